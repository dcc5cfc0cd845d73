// The webhook queue against the real database (SQLite and PostgreSQL): an event fans out to
// the owner's and the platform's enabled endpoints that take it (one message, one delivery
// each) and to nobody else; one claim wins when several workers reach for a delivery; a
// refused destination is retried on the schedule and fails when it is used up; 410-style
// disabling ends pending deliveries; old deliveries are pruned. Delivery to a live receiver is
// tested from outside (e2e/api/webhooks.spec.ts).
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { env } from "../env";
import { AppError } from "../http/errors";
import { testUser } from "../testing/running-instance";
import { attemptNow } from "./delivery";
import * as repo from "./webhooks.repo";
import { createWebhook, enqueueEvent, MAX_ENDPOINTS, pruneDeliveries, testWebhook } from "./webhooks.service";

const url = (tag: string) => `https://203.0.113.7/${tag}`;

async function deliveriesOf(endpointId: string) {
  return db().webhookDelivery.findMany({ where: { endpointId }, include: { message: true, attempts: true } });
}

describe("fan-out", () => {
  it("an event goes to its owner's and the platform's endpoints that take it, as one message", async () => {
    const [owner, other, admin] = [await testUser("hook-owner"), await testUser("hook-other"), await testUser("hook-admin", "admin")];
    const mine = await createWebhook(owner, { url: url("mine"), description: "", eventTypes: ["instance.running"], platform: false });
    const notThis = await createWebhook(owner, { url: url("other-type"), description: "", eventTypes: ["instance.deleted"], platform: false });
    const theirs = await createWebhook(other, { url: url("theirs"), description: "", eventTypes: ["instance.running"], platform: false });
    const platform = await createWebhook(admin, { url: url("platform"), description: "", eventTypes: ["instance.running", "node.down"], platform: true });
    const off = await createWebhook(owner, { url: url("off"), description: "", eventTypes: ["instance.running"], platform: false });
    await repo.updateEndpoint(off.id, { enabled: false });

    await enqueueEvent("instance.running", owner.userId, { instance: { id: "i-1" } });
    const [a, p] = [await deliveriesOf(mine.id), await deliveriesOf(platform.id)];
    expect(a).toHaveLength(1);
    expect(p).toHaveLength(1);
    expect(a[0]!.messageId).toBe(p[0]!.messageId);
    expect(a[0]!.message.id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(JSON.parse(a[0]!.message.payload)).toMatchObject({ type: "instance.running", data: { instance: { id: "i-1" } } });
    expect(a[0]).toMatchObject({ status: "pending", attemptCount: 0 });
    for (const e of [notThis, theirs, off]) expect(await deliveriesOf(e.id)).toHaveLength(0);

    // Node events are the platform's only, whoever they concern.
    await enqueueEvent("node.down", owner.userId, { node: { id: "n" } });
    expect(await deliveriesOf(platform.id)).toHaveLength(2);
    expect(await deliveriesOf(mine.id)).toHaveLength(1);
  });

  it("a user has at most MAX_ENDPOINTS endpoints", async () => {
    const u = await testUser("hook-many");
    for (let i = 0; i < MAX_ENDPOINTS; i++) await createWebhook(u, { url: url(`many-${i}`), description: "", eventTypes: ["balance.low"], platform: false });
    const refused = await createWebhook(u, { url: url("one-more"), description: "", eventTypes: ["balance.low"], platform: false }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("LIMIT_REACHED");
    expect(await db().webhookEndpoint.count({ where: { ownerId: u.userId } })).toBe(MAX_ENDPOINTS);
  });

  it("the signing secret is sealed at rest", async () => {
    const u = await testUser("hook-seal");
    const made = await createWebhook(u, { url: url("seal"), description: "", eventTypes: ["balance.low"], platform: false });
    const row = await db().webhookEndpoint.findUniqueOrThrow({ where: { id: made.id } });
    expect(row.secretEnc).not.toContain(made.secret.slice(6));
    expect(row.secretEnc).not.toContain(made.secret);
  });
});

describe("the queue", () => {
  it("one of several claims on a delivery wins", async () => {
    const u = await testUser("hook-claim");
    const e = await createWebhook(u, { url: url("claim"), description: "", eventTypes: ["balance.low"], platform: false });
    const d = await testWebhook(u, e.id);
    const now = new Date();
    const wins = await Promise.all(Array.from({ length: 5 }, () => repo.claimDelivery(d.id, now, new Date(now.getTime() + 60_000))));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await repo.dueDeliveries(new Date(), 1000)).not.toContain(d.id);
    await repo.releaseDelivery(d.id);
    expect(await repo.dueDeliveries(new Date(), 1000)).toContain(d.id);
  });

  it("a refused destination is retried on the schedule, then the delivery has failed", async () => {
    const schedule = env().WEBHOOK_RETRY_SCHEDULE_SEC;
    const u = await testUser("hook-retry");
    const e = await createWebhook(u, { url: url("retry"), description: "", eventTypes: ["balance.low"], platform: false });
    const d = await testWebhook(u, e.id);
    const before = Date.now();
    expect(await attemptNow(d.id, "auto")).toBe(true);
    let row = (await deliveriesOf(e.id))[0]!;
    expect(row).toMatchObject({ status: "pending", attemptCount: 1, lastStatus: null, lockedUntil: null });
    expect(row.lastError).toMatch(/refused/);
    expect(row.nextAttemptAt!.getTime() - before).toBeGreaterThanOrEqual(schedule[1]! * 1000 - 50);
    // Not due yet: a worker's claim fails.
    expect(await attemptNow(d.id, "auto")).toBe(false);
    for (let n = 2; n <= schedule.length; n++) {
      await db().webhookDelivery.update({ where: { id: d.id }, data: { nextAttemptAt: new Date(Date.now() - 1) } });
      expect(await attemptNow(d.id, "auto")).toBe(true);
    }
    row = (await deliveriesOf(e.id))[0]!;
    expect(row).toMatchObject({ status: "failed", attemptCount: schedule.length, nextAttemptAt: null });
    expect(row.attempts).toHaveLength(schedule.length);
    expect(row.attempts.every((a) => a.trigger === "auto" && a.status === null)).toBe(true);
    // A redelivery is one more attempt; failing, the delivery stays failed.
    expect(await attemptNow(d.id, "redeliver")).toBe(true);
    row = (await deliveriesOf(e.id))[0]!;
    expect(row).toMatchObject({ status: "failed", attemptCount: schedule.length + 1 });
    expect(row.attempts.filter((a) => a.trigger === "redeliver")).toHaveLength(1);
  });

  it("disabling an endpoint ends its pending deliveries; old finished deliveries are pruned", async () => {
    const u = await testUser("hook-off");
    const e = await createWebhook(u, { url: url("off"), description: "", eventTypes: ["balance.low"], platform: false });
    await testWebhook(u, e.id);
    await testWebhook(u, e.id);
    await repo.disableEndpoint(e.id, "the receiver answered 410 Gone");
    const rows = await deliveriesOf(e.id);
    expect(rows.map((r) => r.status)).toEqual(["failed", "failed"]);
    expect(rows[0]!.lastError).toContain("410");
    expect((await db().webhookEndpoint.findUniqueOrThrow({ where: { id: e.id } })).disabledReason).toContain("410");

    await db().webhookDelivery.updateMany({ where: { endpointId: e.id }, data: { createdAt: new Date(Date.now() - 40 * 86_400_000) } });
    await db().webhookMessage.updateMany({ where: { id: { in: rows.map((r) => r.messageId) } }, data: { createdAt: new Date(Date.now() - 40 * 86_400_000) } });
    expect(await pruneDeliveries()).toBeGreaterThanOrEqual(2);
    expect(await deliveriesOf(e.id)).toHaveLength(0);
    expect(await db().webhookMessage.count({ where: { id: { in: rows.map((r) => r.messageId) } } })).toBe(0);
  });
});
