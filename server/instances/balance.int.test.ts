// The balance and running instances, on the real engine and both databases: a launch or a
// start needs the minimum balance for everything the user then runs (simultaneous launches
// count each other), and when the balance runs out all of the user's instances stop at once.
import { execFileSync } from "node:child_process";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZCreateNodeRequest } from "@/lib/contracts/nodes";
import { ZCreateSpecRequest } from "@/lib/contracts/specs";
import type { Principal } from "../auth/principal";
import { adjust, summary } from "../billing/billing.service";
import { meterAll } from "../billing/meter";
import { db } from "../db/client";
import { AppError } from "../http/errors";
import * as images from "../images/images.service";
import * as nodes from "../nodes/nodes.service";
import * as specs from "../specs/specs.service";
import { APP_IMAGE, LOCAL_DOCKER } from "../testing/node-fixtures";
import { testUser } from "../testing/running-instance";
import { deleteInstance } from "./delete";
import { createInstance } from "./launch";
import { startInstance } from "./start";
import { stopForBalance, stopInstance } from "./stop";
import { containerName } from "./workload";

const docker = new Docker({ socketPath: "/var/run/docker.sock" });
/** PID 1 is `sleep`, which ignores SIGTERM: every stop waits its whole grace period. */
const STUBBORN_IMAGE = "local/aic-stubborn:latest";
const made: { owner: Principal; id: string }[] = [];
let admin: Principal;
let nodeId: string;
let appImageId: string;
let stubbornImageId: string;

async function withBalance(cents: number): Promise<Principal> {
  const u = await testUser("payer");
  const { balanceCents } = await summary(u.userId);
  await adjust(admin, u.userId, { amountCents: cents - balanceCents, reason: "test balance" });
  return u;
}

async function spec(pricePerHourCents: number) {
  return specs.createSpec(
    ZCreateSpecRequest.parse({ name: `p${pricePerHourCents}-${Math.random().toString(36).slice(2, 8)}`, cpuCores: 1, memoryGb: 1, pricePerHourCents }),
  );
}

async function launch(owner: Principal, specId: string, imageId = appImageId) {
  const i = await createInstance(owner, { name: "b", imageId, specId, nodeId });
  made.push({ owner, id: i.id });
  return i;
}

async function statusOf(id: string): Promise<string> {
  return (await db().instance.findUniqueOrThrow({ where: { id } })).status;
}

async function until(what: string, ok: () => Promise<boolean>, ms = 30_000) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const codeOf = (r: PromiseSettledResult<unknown>) => (r.status === "rejected" ? (r.reason as AppError).code : "ok");

beforeAll(async () => {
  execFileSync("docker", ["build", "-q", "-t", STUBBORN_IMAGE, "-"], {
    input: 'FROM local/busybox:latest\nCMD ["sleep", "3600"]\n',
    stdio: ["pipe", "ignore", "inherit"],
  });
  admin = await testUser("admin", "admin");
  const n = await nodes.createNode(
    ZCreateNodeRequest.parse({ name: `bal-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`, dockerAddress: LOCAL_DOCKER, cpuCores: 64, memoryGb: 64 }),
  );
  await db().node.update({ where: { id: n.id }, data: { status: "online" } });
  nodeId = n.id;
  const image = (name: string, address: string) =>
    images.createImage({ name, address, description: null, source: null, supportMemorySplit: false, isListed: true, remark: null });
  appImageId = (await image(`app-${Date.now()}`, APP_IMAGE)).id;
  stubbornImageId = (await image(`stubborn-${Date.now()}`, STUBBORN_IMAGE)).id;
});

afterAll(async () => {
  for (const { owner, id } of made) await deleteInstance(owner, id).catch(() => undefined);
});

describe("minimum balance for everything running", () => {
  it("21 simultaneous launches with 60 ¢ for a 60 ¢/h spec: one is placed, 20 are refused", async () => {
    const owner = await withBalance(60);
    const s = await spec(60);
    const results = await Promise.allSettled(
      Array.from({ length: 21 }, () => createInstance(owner, { name: "rush", imageId: appImageId, specId: s.id, nodeId })),
    );
    for (const r of results) if (r.status === "fulfilled") made.push({ owner, id: r.value.id });
    expect(results.map(codeOf).filter((c) => c === "ok")).toHaveLength(1);
    expect(new Set(results.map(codeOf).filter((c) => c !== "ok"))).toEqual(new Set(["INSUFFICIENT_BALANCE"]));
    expect(await db().instance.count({ where: { userId: owner.userId, status: { not: "deleted" } } })).toBe(1);
  });

  it("simultaneous starts of stopped instances count each other too", async () => {
    const owner = await withBalance(100_000);
    const s = await spec(60);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await launch(owner, s.id)).id);
    await until("all running", async () => (await Promise.all(ids.map(statusOf))).every((x) => x === "running"));
    await Promise.all(ids.map((id) => stopInstance(owner, id)));
    const { balanceCents } = await summary(owner.userId);
    await adjust(admin, owner.userId, { amountCents: 60 - balanceCents, reason: "leave 60 cents" });
    const results = await Promise.allSettled(ids.map((id) => startInstance(owner, id, { withoutGpu: false })));
    expect(results.map(codeOf).filter((c) => c === "ok")).toHaveLength(1);
    expect(new Set(results.map(codeOf).filter((c) => c !== "ok"))).toEqual(new Set(["INSUFFICIENT_BALANCE"]));
    expect(await db().instance.count({ where: { id: { in: ids }, status: "running" } })).toBe(1);
  });

  it("a launch or a start counts what already runs; the refusal says so", async () => {
    const owner = await withBalance(150);
    const s = await spec(60);
    const first = await launch(owner, s.id);
    await until("running", async () => (await statusOf(first.id)) === "running");
    // 60 + 60 = 120 ¢/h for an hour: fits in 150 ¢. A third would need 180 ¢.
    const second = await launch(owner, s.id);
    const third = await createInstance(owner, { name: "third", imageId: appImageId, specId: s.id, nodeId }).catch((e: unknown) => e);
    expect(third).toBeInstanceOf(AppError);
    expect(third).toMatchObject({ code: "INSUFFICIENT_BALANCE", message: expect.stringMatching(/¥1\.80.*with what already runs \(¥1\.20\/h\)/) });

    // A stopped one does not count; starting it again does.
    await until("running", async () => (await statusOf(second.id)) === "running");
    await db().instance.update({ where: { id: second.id }, data: { status: "stopped", meteredUntil: null } });
    await db().allocation.deleteMany({ where: { instanceId: second.id } });
    const extra = await launch(owner, s.id);
    const restart = await startInstance(owner, second.id, { withoutGpu: false }).catch((e: unknown) => e);
    expect(restart).toMatchObject({ code: "INSUFFICIENT_BALANCE" });
    await deleteInstance(owner, extra.id);
    expect((await startInstance(owner, second.id, { withoutGpu: false })).status).toBe("running");
  });
});

describe("balance used up", () => {
  it("stops all of the user's running instances at once, not one grace period after another", async () => {
    const owner = await withBalance(100_000);
    const s = await spec(600);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await launch(owner, s.id, stubbornImageId)).id);
    await until("all running", async () => (await Promise.all(ids.map(statusOf))).every((x) => x === "running"));
    await adjust(admin, owner.userId, { amountCents: -(100_000 - 5), reason: "leave 5 cents" });
    await db().instance.updateMany({ where: { id: { in: ids } }, data: { meteredUntil: new Date(Date.now() - 5 * 60_000) } });
    expect((await meterAll()).exhaustedUsers).toContain(owner.userId);

    const started = Date.now();
    expect((await stopForBalance(owner.userId)).sort()).toEqual([...ids].sort());
    const took = Date.now() - started;
    const rows = await db().instance.findMany({ where: { id: { in: ids } } });
    expect(rows.map((r) => r.status)).toEqual(["stopped", "stopped", "stopped", "stopped"]);
    // Each stop waits the 10 s grace (sleep ignores SIGTERM): one after another would take 40 s.
    const stops = rows.map((r) => r.stoppedAt!.getTime());
    expect(Math.max(...stops) - Math.min(...stops)).toBeLessThan(5_000);
    expect(took).toBeLessThan(25_000);
    for (const id of ids) expect((await docker.getContainer(containerName(id)).inspect()).State.Running).toBe(false);
  }, 60_000);
});
