// Notifications against the real database (SQLite and PostgreSQL): domain events become
// stored notifications for the right users (instance events of one user and kind gathered
// into one, nodes for active administrators only, "back online" only after "offline"), the
// meter announces a low balance once per crossing, and the API's rules: newest first, the
// unread count, marking one (only one's own) or all read, and the push event per new one.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import type { TNotification } from "@/lib/contracts/notifications";
import { adjust, summary } from "../billing/billing.service";
import { meterAll } from "../billing/meter";
import { db } from "../db/client";
import { type DomainEvents, emit, on } from "../events";
import { AppError } from "../http/errors";
import { testUser } from "../testing/running-instance";
import { listNotifications, readAllNotifications, readNotification } from "./notifications.service";
import { startNotifications } from "./sources";

const MIN = 60_000;
const sources = startNotifications({ batchMs: 50 });
afterAll(() => sources.stop());

const mine = async (p: { userId: string }) =>
  (await listNotifications({ ...p, username: "", role: "user", via: "api-token" }, { page: 1, pageSize: 100 })).items;

function instanceEvent(userId: string, over: Partial<DomainEvents["instance.status"]> = {}): DomainEvents["instance.status"] {
  return { instanceId: randomUUID(), userId, name: `i-${randomUUID().slice(0, 4)}`, status: "stopped", reason: "balance", message: null, ...over };
}

describe("instance events", () => {
  it("all of a user's instances stopped at zero make one notification naming how many", async () => {
    const u = await testUser("broke");
    const other = await testUser("bystander");
    const events = Array.from({ length: 5 }, (_, i) => instanceEvent(u.userId, { name: `gpu-${i}` }));
    for (const e of events) emit("instance.status", e);
    await sources.flush();
    const [n, ...rest] = await mine(u);
    expect(rest).toEqual([]);
    expect(n).toMatchObject({
      kind: "balance_stopped",
      link: "/instances",
      readAt: null,
      params: { count: 5, names: ["gpu-0", "gpu-1", "gpu-2"], reason: "balance" },
    });
    expect(await mine(other)).toEqual([]);
  });

  it("a failed or exited instance links to itself and keeps the server's words", async () => {
    const u = await testUser("unlucky");
    const failed = instanceEvent(u.userId, { status: "failed", reason: "creation_failed", message: "socket hang up", name: "trainer" });
    emit("instance.status", failed);
    await sources.flush();
    emit("instance.status", instanceEvent(u.userId, { status: "exited", reason: "exited", message: "The container exited with code 137", name: "jupyter" }));
    emit("instance.status", instanceEvent(u.userId, { status: "unknown", reason: "node_unreachable", name: "far" }));
    await sources.flush();
    const list = await mine(u);
    expect(list.map((n) => n.kind).sort()).toEqual(["instance_exited", "instance_failed", "instance_unreachable"]);
    expect(list.find((n) => n.kind === "instance_failed")).toMatchObject({
      link: `/instances/${failed.instanceId}`,
      params: { count: 1, names: ["trainer"], reason: "creation_failed", message: "socket hang up" },
    });
    // Newest first.
    expect(list.at(-1)!.kind).toBe("instance_failed");
  });
});

describe("node events", () => {
  it("reach every active administrator, and 'back online' only follows 'offline'", async () => {
    const admins = [await testUser("ops1", "admin"), await testUser("ops2", "admin")];
    const retired = await testUser("ops3", "admin");
    await db().user.update({ where: { id: retired.userId }, data: { isActive: false } });
    const user = await testUser("plain");
    const nodeId = randomUUID();
    // A new node's first "online" is no news.
    emit("node.status", { nodeId, name: "gpu-a", status: "online", message: null });
    await sources.flush();
    expect(await mine(admins[0]!)).toEqual([]);

    emit("node.status", { nodeId, name: "gpu-a", status: "offline", message: "connect ECONNREFUSED" });
    emit("node.status", { nodeId, name: "gpu-a", status: "online", message: null });
    await sources.flush();
    for (const a of admins) {
      expect((await mine(a)).map((n) => [n.kind, n.params.nodeName, n.link])).toEqual([
        ["node_online", "gpu-a", `/admin/nodes?node=${nodeId}`],
        ["node_offline", "gpu-a", `/admin/nodes?node=${nodeId}`],
      ]);
    }
    expect(await mine(retired)).toEqual([]);
    expect(await mine(user)).toEqual([]);
  });
});

describe("Slurm cluster events", () => {
  it("reach administrators: down with what it turned and why, then healthy again", async () => {
    const admin = await testUser("hpc-ops", "admin");
    const user = await testUser("hpc-user");
    const clusterId = randomUUID();
    // A new cluster's first "healthy" is no news.
    emit("cluster.status", { clusterId, name: "hpc-a", status: "healthy", message: null });
    await sources.flush();
    expect(await mine(admin)).toEqual([]);
    emit("cluster.status", { clusterId, name: "hpc-a", status: "unreachable", message: "Connection refused" });
    emit("cluster.status", { clusterId, name: "hpc-a", status: "healthy", message: null });
    await sources.flush();
    expect((await mine(admin)).map((n) => [n.kind, n.params.clusterName, n.params.status ?? null, n.params.message ?? null, n.link])).toEqual([
      ["cluster_up", "hpc-a", null, null, `/clusters/${clusterId}`],
      ["cluster_down", "hpc-a", "unreachable", "Connection refused", `/clusters/${clusterId}`],
    ]);
    expect(await mine(user)).toEqual([]);
  });
});

describe("the meter's low-balance warning", () => {
  it("comes once when a tick takes the balance below the threshold, and again after a top-up and a new fall", async () => {
    const admin = await testUser("cashier", "admin");
    const u = await testUser("spender");
    // 6,000 cents/h: the default 60-minute threshold is 6,000 cents; one minute costs 100.
    await adjust(admin, u.userId, { amountCents: 6_050 - (await summary(u.userId)).balanceCents, reason: "set up" });
    const start = new Date(Math.floor(Date.now() / MIN) * MIN - 3 * MIN);
    await db().instance.create({
      data: {
        name: "burner",
        userId: u.userId,
        status: "running",
        imageName: "i",
        imageAddress: "busybox",
        specName: "gpu-x",
        cpuCores: 1,
        memoryGb: 1,
        pricePerHourCents: 6_000,
        volumeName: `v-${randomUUID()}`,
        startedAt: start,
        meteredUntil: start,
      },
    });
    await meterAll(undefined, new Date(start.getTime() + MIN + 1));
    await sources.flush();
    const first = await mine(u);
    expect(first).toEqual([
      expect.objectContaining({ kind: "balance_low", link: "/billing", params: { balanceCents: 5_950, burnCentsPerHour: 6_000, secondsLeft: 3_570 } }),
    ]);
    // The next tick starts below: silence.
    await meterAll(undefined, new Date(start.getTime() + 2 * MIN + 1));
    await sources.flush();
    expect(await mine(u)).toHaveLength(1);
    // A top-up, then a fall below again: a new warning.
    await adjust(admin, u.userId, { amountCents: 150, reason: "top-up" });
    await meterAll(undefined, new Date(start.getTime() + 3 * MIN + 1));
    await sources.flush();
    expect((await mine(u)).map((n) => n.kind)).toEqual(["balance_low", "balance_low"]);
    // An administrator's deduction that takes it from above to below warns too.
    await adjust(admin, u.userId, { amountCents: 6_100 - (await summary(u.userId)).balanceCents, reason: "set up again" });
    await adjust(admin, u.userId, { amountCents: -2_000, reason: "correction" });
    await sources.flush();
    expect((await mine(u)).map((n) => n.kind)).toEqual(["balance_low", "balance_low", "balance_low"]);
    expect((await mine(u))[0]!.params).toMatchObject({ balanceCents: 4_100, burnCentsPerHour: 6_000 });
  });
});

describe("reading", () => {
  it("lists newest first with the unread count, marks one's own read (another's is 404) or all", async () => {
    const u = await testUser("reader");
    const stranger = await testUser("stranger");
    const pushed: TNotification[] = [];
    const off = on("notification.created", (e) => e.userId === u.userId && pushed.push(e.notification));
    for (const reason of ["exited", "balance", "creation_failed"] as const) {
      emit("instance.status", instanceEvent(u.userId, { reason }));
      await sources.flush();
    }
    off();
    const p = { ...u };
    const page = await listNotifications(p, { page: 1, pageSize: 2 });
    expect(page).toMatchObject({ total: 3, unreadCount: 3, page: 1, pageSize: 2 });
    expect(page.items.map((n) => n.kind)).toEqual(["instance_failed", "balance_stopped"]);
    // Each new one was announced for the live push, as listed.
    expect(pushed.map((n) => n.id).reverse()).toEqual((await listNotifications(p, { page: 1, pageSize: 10 })).items.map((n) => n.id));

    const target = page.items[0]!;
    const refused = await readNotification(stranger, target.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("NOT_FOUND");
    const read = await readNotification(u, target.id);
    expect(read.readAt).not.toBeNull();
    // Idempotent: the first reading time stays.
    expect((await readNotification(u, target.id)).readAt).toBe(read.readAt);
    expect((await listNotifications(p, { page: 1, pageSize: 10 })).unreadCount).toBe(2);
    expect((await listNotifications(p, { page: 1, pageSize: 10, unread: true })).items.map((n) => n.id)).not.toContain(target.id);

    expect(await readAllNotifications(u)).toEqual({ updated: 2, unreadCount: 0 });
    expect((await listNotifications(p, { page: 1, pageSize: 10 })).unreadCount).toBe(0);
    expect((await listNotifications(stranger, { page: 1, pageSize: 10 })).total).toBe(0);
  });
});
