// Billing against the real database (SQLite and PostgreSQL): the ledger and its invariant,
// the meter (exact, charged once by concurrent meters, back-filling missed intervals once,
// refunding time past a stop), recharge codes (each refusal, race-safe redemption, the
// lockout after failures) and stopping a real container when the balance runs out.
import { randomUUID } from "node:crypto";
import Docker from "dockerode";
import { describe, expect, it } from "vitest";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import { AppError } from "../http/errors";
import { containerName } from "../instances/workload";
import { startInstance } from "../instances/start";
import { stopForBalance } from "../instances/stop";
import { runningInstance, testUser } from "../testing/running-instance";
import { adjust, invariant, listLedger, revenue, summary } from "./billing.service";
import { meterAll, settleInstance } from "./meter";
import { createCodes, disableBatch, disableCode, listBatches, listCodes, redeem, records } from "./recharge.service";

const MIN = 60_000;

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return (err as AppError).code;
}

/** A running instance row (no container: metering reads only the database). */
async function meteredRow(userId: string, price: number, since: Date): Promise<string> {
  const row = await db().instance.create({
    data: {
      name: `m-${randomUUID().slice(0, 6)}`,
      userId,
      status: "running",
      imageName: "i",
      imageAddress: "busybox",
      specName: "gpu-x",
      cpuCores: 1,
      memoryGb: 1,
      pricePerHourCents: price,
      volumeName: `v-${randomUUID()}`,
      startedAt: since,
      meteredUntil: since,
    },
    select: { id: true },
  });
  return row.id;
}

const usageOf = (instanceId: string) => db().ledgerEntry.findMany({ where: { instanceId, kind: "usage" }, orderBy: { periodStart: "asc" } });

describe("ledger", () => {
  it("moves balances only through entries, refuses a balance past its limit and keeps the invariant", async () => {
    const admin = await testUser("admin", "admin");
    const u = await testUser("payer");
    const before = (await summary(u.userId)).balanceCents;
    const e = await adjust(admin, u.userId, { amountCents: -2_500, reason: "goodwill correction" });
    expect(e).toMatchObject({ kind: "adjustment", amountCents: -2_500, balanceAfterCents: before - 2_500, note: "goodwill correction" });
    expect(await refusal(adjust(admin, u.userId, { amountCents: 2_000_000_000, reason: "too much" }))).toBe("BALANCE_LIMIT");
    expect((await summary(u.userId)).balanceCents).toBe(before - 2_500);
    expect(await refusal(adjust(admin, "nobody", { amountCents: 1, reason: "x" }))).toBe("NOT_FOUND");

    const mine = await listLedger(u, { page: 1, pageSize: 10, kind: "adjustment" });
    expect(mine.items.map((i) => i.amountCents)).toEqual([-2_500, 100_000]);
    expect(await refusal(listLedger(u, { page: 1, pageSize: 10, userId: admin.userId }))).toBe("FORBIDDEN");
    expect((await listLedger(admin, { page: 1, pageSize: 10, userId: u.userId })).total).toBe(2);
    expect(await invariant()).toMatchObject({ ok: true, mismatches: [] });
  });
});

describe("meter", () => {
  it("charges each interval once with two meters at once, exactly to the hourly price", async () => {
    const u = await testUser("meter");
    const start = new Date(Math.floor(Date.now() / MIN) * MIN - 60 * MIN);
    const id = await meteredRow(u.userId, 333, start);
    const now = new Date(start.getTime() + 60 * MIN + 30_000);
    // Two console processes' meters at the same moment.
    await Promise.all([meterAll(undefined, now), meterAll(undefined, now)]);
    const usage = await usageOf(id);
    expect(usage).toHaveLength(60);
    expect(new Set(usage.map((e) => e.periodStart!.getTime())).size).toBe(60);
    expect(usage.reduce((s, e) => s + e.amountCents, 0)).toBe(-333);
    // Again: nothing new until the next interval ends.
    await meterAll(undefined, now);
    expect(await usageOf(id)).toHaveLength(60);
    const row = await db().instance.findUniqueOrThrow({ where: { id } });
    expect(row.meteredUntil).toEqual(new Date(start.getTime() + 60 * MIN));
    expect(row.meteredMs).toBe(60 * MIN);
    expect(await invariant()).toMatchObject({ ok: true });
  });

  it("back-fills many instances at once (more than a query's parameter limit)", async () => {
    const u = await testUser("fleet");
    const start = new Date(Math.floor(Date.now() / MIN) * MIN - 3 * MIN);
    const tag = randomUUID().slice(0, 6);
    await db().instance.createMany({
      data: Array.from({ length: 1200 }, (_, i) => ({
        name: `f-${i}`,
        userId: u.userId,
        status: "running",
        imageName: "i",
        imageAddress: "busybox",
        specName: `fleet-${tag}`,
        cpuCores: 1,
        memoryGb: 1,
        pricePerHourCents: 60,
        volumeName: `fleet-${tag}-${i}`,
        startedAt: start,
        meteredUntil: start,
      })),
    });
    await meterAll(undefined, new Date(start.getTime() + 3 * MIN + 1_000));
    // Three missed minutes of 1 cent each, for every one of them.
    const charged = await db().ledgerEntry.aggregate({ where: { userId: u.userId, kind: "usage" }, _sum: { amountCents: true }, _count: true });
    expect(charged).toMatchObject({ _count: 3600, _sum: { amountCents: -3600 } });
    expect(await invariant()).toMatchObject({ ok: true });
    await db().instance.updateMany({ where: { specName: `fleet-${tag}` }, data: { status: "stopped", meteredUntil: null } });
  });

  it("ends a run with a partial charge, refunds time charged past a stop, and waits while the node is unknown", async () => {
    const u = await testUser("stops");
    const start = new Date(Date.now() - 10 * MIN);
    const a = await meteredRow(u.userId, 600, start);
    await meterAll(undefined, new Date(start.getTime() + 2 * MIN));
    expect((await usageOf(a)).map((e) => e.amountCents)).toEqual([-10, -10]);
    // Stopped 30 s into the third minute: 5 cents more, and the run is closed.
    await db().instance.update({ where: { id: a }, data: { status: "stopped", stoppedAt: new Date(start.getTime() + 2 * MIN + 30_000) } });
    await settleInstance(a);
    expect((await usageOf(a)).map((e) => e.amountCents)).toEqual([-10, -10, -5]);
    expect((await db().instance.findUniqueOrThrow({ where: { id: a } })).meteredUntil).toBeNull();

    // The container had exited 90 s in, before the meter knew: the excess comes back.
    const b = await meteredRow(u.userId, 600, start);
    await meterAll(undefined, new Date(start.getTime() + 2 * MIN));
    await db().instance.update({ where: { id: b }, data: { status: "exited", stoppedAt: new Date(start.getTime() + 90_000) } });
    await settleInstance(b);
    const refund = await db().ledgerEntry.findFirstOrThrow({ where: { instanceId: b, kind: "refund" } });
    expect(refund.amountCents).toBe(5);
    expect((await db().instance.findUniqueOrThrow({ where: { id: b } })).meteredMs).toBe(90_000);

    const c = await meteredRow(u.userId, 600, start);
    await db().instance.update({ where: { id: c }, data: { status: "unknown" } });
    await meterAll(undefined, new Date());
    expect(await usageOf(c)).toHaveLength(0);
    expect(await invariant()).toMatchObject({ ok: true });
  });

  it("charges only while the balance is positive: one interval of overdraft, then the user's instances are due to stop", async () => {
    const u = await testUser("poor");
    const admin = await testUser("admin2", "admin");
    await adjust(admin, u.userId, { amountCents: -(100_000 - 15), reason: "leave 15 cents" });
    const start = new Date(Date.now() - 5 * MIN);
    const id = await meteredRow(u.userId, 600, start);
    const out = await meterAll(undefined, new Date(start.getTime() + 5 * MIN));
    expect(out.exhaustedUsers).toContain(u.userId);
    // 15 → 5 → -5 (the crossing interval is the whole overdraft); then nothing more.
    expect((await usageOf(id)).map((e) => e.balanceAfterCents)).toEqual([5, -5]);
    expect((await summary(u.userId)).balanceCents).toBe(-5);
  });
});

describe("recharge codes", () => {
  let admin: Principal;

  it("are generated once, redeemed into the ledger, and each refusal says why", async () => {
    admin = await testUser("cashier", "admin");
    const u = await testUser("redeemer");
    const { batch, codes } = await createCodes(admin, { amountCents: 5_000, count: 3, maxUses: 1, description: "welcome" });
    expect(codes).toHaveLength(3);
    expect(batch).toMatchObject({ count: 3, usedCodes: 0, redemptions: 0, createdBy: admin.username });
    // Only hashes are stored.
    const stored = await db().rechargeCode.findMany({ where: { batchId: batch.id } });
    for (const c of codes) expect(JSON.stringify(stored)).not.toContain(c.replace(/-/g, ""));

    const before = (await summary(u.userId)).balanceCents;
    const out = await redeem(u, { code: codes[0]!.toLowerCase() });
    expect(out).toMatchObject({ amountCents: 5_000, balanceCents: before + 5_000 });
    // The ledger names the code and its batch (pages say "recharge code …XYZ" in their own words).
    expect((await listLedger(u, { page: 1, pageSize: 1, kind: "recharge" })).items[0]!.recharge).toEqual({
      codeHint: codes[0]!.slice(-3),
      description: "welcome",
    });
    expect((await records(u, { page: 1, pageSize: 10 })).items).toEqual([
      expect.objectContaining({ amountCents: 5_000, codeHint: codes[0]!.slice(-3), description: "welcome" }),
    ]);
    // Redeeming one's own one-use code again: the code is used up, but by this user.
    const again = await redeem(u, { code: codes[0]! }).catch((e: AppError) => e);
    expect(again).toMatchObject({ code: "RECHARGE_CODE_REDEEMED", message: "You already redeemed this code" });
    expect((await summary(u.userId)).balanceCents).toBe(before + 5_000);

    const other = await testUser("late");
    expect(await refusal(redeem(other, { code: codes[0]! }))).toBe("RECHARGE_CODE_USED_UP");
    const codeId = (await listCodes(batch.id, { page: 1, pageSize: 10, status: "active" })).items[0]!.id;
    await disableCode(codeId);
    expect((await listCodes(batch.id, { page: 1, pageSize: 10, status: "disabled" })).total).toBe(1);
    expect((await listCodes(batch.id, { page: 1, pageSize: 10, status: "used_up" })).items[0]!.redeemedBy).toEqual([
      { username: u.username, at: expect.any(String) },
    ]);
    expect(await refusal(redeem(other, { code: "2222-2222-2222-2222-2222" }))).toBe("RECHARGE_CODE_UNKNOWN");
    await disableBatch(batch.id);
    expect(await refusal(redeem(other, { code: codes[2]! }))).toBe("RECHARGE_CODE_DISABLED");

    const multi = await createCodes(admin, {
      amountCents: 100,
      count: 1,
      maxUses: 5,
      description: "shared",
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    await redeem(u, { code: multi.codes[0]! });
    expect(await refusal(redeem(u, { code: multi.codes[0]! }))).toBe("RECHARGE_CODE_REDEEMED");
    await db().rechargeBatch.update({ where: { id: multi.batch.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await refusal(redeem(await testUser("after"), { code: multi.codes[0]! }))).toBe("RECHARGE_CODE_EXPIRED");

    const listed = (await listBatches({ page: 1, pageSize: 100 })).items.find((b) => b.id === batch.id)!;
    expect(listed).toMatchObject({ usedCodes: 1, redemptions: 1, redeemedCents: 5_000 });
    expect(await invariant()).toMatchObject({ ok: true });
  });

  it("a one-use code redeemed by 100 users at once succeeds exactly once", async () => {
    const { codes } = await createCodes(admin, { amountCents: 700, count: 1, maxUses: 1, description: "race" });
    const users = await Promise.all(Array.from({ length: 100 }, (_, i) => testUser(`racer${i}`)));
    const results = await Promise.allSettled(users.map((u) => redeem(u, { code: codes[0]! })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const codesOf = results.flatMap((r) => (r.status === "rejected" ? [(r.reason as AppError).code] : []));
    expect(new Set(codesOf)).toEqual(new Set(["RECHARGE_CODE_USED_UP"]));
    expect(await db().ledgerEntry.count({ where: { kind: "recharge", amountCents: 700 } })).toBe(1);
    expect(await invariant()).toMatchObject({ ok: true });
  });

  it("locks a user out after repeated wrong codes", async () => {
    const u = await testUser("guesser");
    for (let i = 0; i < 5; i++) expect(await refusal(redeem(u, { code: `WRONG-${i}` }))).toBe("RECHARGE_CODE_UNKNOWN");
    expect(await refusal(redeem(u, { code: "anything" }))).toBe("REDEEM_LOCKED");
  });
});

describe("balance used up with a real container", () => {
  it("stops the instance (not removed, data kept) and the ledger explains", async () => {
    const { owner, instanceId, cleanUp } = await runningInstance(600);
    try {
      const admin = await testUser("admin3", "admin");
      await adjust(admin, owner.userId, { amountCents: -(100_000 - 10), reason: "leave 10 cents" });
      // Pretend the meter last ran 3 minutes ago.
      await db().instance.update({ where: { id: instanceId }, data: { meteredUntil: new Date(Date.now() - 3 * MIN) } });
      const out = await meterAll();
      expect(out.exhaustedUsers).toContain(owner.userId);
      expect(await stopForBalance(owner.userId)).toEqual([instanceId]);

      const row = await db().instance.findUniqueOrThrow({ where: { id: instanceId } });
      expect(row.status).toBe("stopped");
      expect(row.statusMessage).toMatch(/balance ran out/);
      expect(row.meteredUntil).toBeNull();
      const c = await new Docker({ socketPath: "/var/run/docker.sock" }).getContainer(containerName(instanceId)).inspect();
      expect(c.State.Running).toBe(false);
      const ledger = await listLedger(owner, { page: 1, pageSize: 5 });
      expect(ledger.items[0]).toMatchObject({ kind: "usage", amountCents: 0, instanceId, note: expect.stringMatching(/stopped: the balance ran out/) });
      expect(ledger.items.find((e) => e.amountCents === -10)).toBeTruthy();
      // Nothing left running: a second pass stops nothing; starting again needs a top-up.
      expect(await stopForBalance(owner.userId)).toEqual([]);
      expect(await refusal(startInstance(owner, instanceId, { withoutGpu: false }))).toBe("INSUFFICIENT_BALANCE");
      const rev = await revenue({});
      expect(rev.bySpec.find((s) => s.specName === "cpu")?.usageCents).toBeGreaterThanOrEqual(10);
      expect(await invariant()).toMatchObject({ ok: true });
    } finally {
      await cleanUp();
    }
  });
});
