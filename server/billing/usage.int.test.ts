// Usage from the ledger against the real database (SQLite and PostgreSQL): per instance and
// local day of the charges (days cut at the viewer's midnight) or per instance, cost net of
// refunds and running time net of refunded time, summed in the database; the drill-down to
// the entries; each instance's cost so far and running time in the instance list and page;
// only one's own usage (administrators: anyone's).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import type { AppError } from "../http/errors";
import { getInstance, listInstances } from "../instances/instances.service";
import { testUser } from "../testing/running-instance";
import { invariant, listLedger, usage } from "./billing.service";
import { meterAll } from "./meter";

async function instance(owner: Principal, name: string, specName: string): Promise<string> {
  const row = await db().instance.create({
    data: {
      name,
      userId: owner.userId,
      status: "stopped",
      imageName: "i",
      imageAddress: "busybox",
      specName,
      cpuCores: 1,
      memoryGb: 1,
      pricePerHourCents: 360,
      volumeName: `v-${randomUUID()}`,
    },
    select: { id: true },
  });
  return row.id;
}

/** An entry at a chosen time, its user's balance moved with it (the invariant holds). */
async function entry(u: Principal, e: { kind: string; cents: number; at: string; instanceId?: string; period?: [string, string] }) {
  const { balanceCents } = await db().user.update({ where: { id: u.userId }, data: { balanceCents: { increment: e.cents } }, select: { balanceCents: true } });
  await db().ledgerEntry.create({
    data: {
      userId: u.userId,
      kind: e.kind,
      amountCents: e.cents,
      balanceAfterCents: balanceCents,
      instanceId: e.instanceId ?? null,
      idempotencyKey: randomUUID(),
      createdAt: new Date(e.at),
      periodStart: e.period ? new Date(e.period[0]) : null,
      periodEnd: e.period ? new Date(e.period[1]) : null,
    },
  });
}

describe("usage", () => {
  it("sums per instance and day at the viewer's midnight, net of refunds, and drills down to the entries", async () => {
    const u = await testUser("user");
    const other = await testUser("other");
    const admin = await testUser("admin", "admin");
    const a = await instance(u, "trainer", "gpu-1");
    const b = await instance(u, "notebook", "cpu-1");
    const theirs = await instance(other, "theirs", "cpu-1");
    // trainer: a minute before UTC midnight, a minute after, then 30 s refunded; notebook: 2 minutes, then stopped at zero.
    await entry(u, { kind: "usage", cents: -5, at: "2026-01-01T23:59:31Z", instanceId: a, period: ["2026-01-01T23:58:30Z", "2026-01-01T23:59:30Z"] });
    await entry(u, { kind: "usage", cents: -6, at: "2026-01-02T00:00:31Z", instanceId: a, period: ["2026-01-01T23:59:30Z", "2026-01-02T00:00:30Z"] });
    await entry(u, { kind: "refund", cents: 3, at: "2026-01-02T00:01:00Z", instanceId: a, period: ["2026-01-02T00:00:00Z", "2026-01-02T00:00:30Z"] });
    await entry(u, { kind: "usage", cents: -10, at: "2026-01-02T10:00:01Z", instanceId: b, period: ["2026-01-02T09:58:00Z", "2026-01-02T10:00:00Z"] });
    await entry(u, { kind: "usage", cents: 0, at: "2026-01-02T10:00:02Z", instanceId: b });
    await entry(u, { kind: "recharge", cents: 500, at: "2026-01-02T11:00:00Z" });
    await entry(other, { kind: "usage", cents: -99, at: "2026-01-02T10:00:00Z", instanceId: theirs, period: ["2026-01-02T09:00:00Z", "2026-01-02T10:00:00Z"] });
    const range = { from: "2026-01-01T00:00:00Z", to: "2026-01-03T00:00:00Z" };

    const utc = await usage(u, { ...range, groupBy: "day" });
    expect(utc.items).toEqual([
      { instanceId: b, instanceName: "notebook", specName: "cpu-1", day: "2026-01-02", usageCents: 10, runningSeconds: 120 },
      { instanceId: a, instanceName: "trainer", specName: "gpu-1", day: "2026-01-02", usageCents: 3, runningSeconds: 30 },
      { instanceId: a, instanceName: "trainer", specName: "gpu-1", day: "2026-01-01", usageCents: 5, runningSeconds: 60 },
    ]);
    expect(utc).toMatchObject({ usageCents: 18, runningSeconds: 210, groupBy: "day" });
    // At UTC+8 all of it is on the 2nd.
    expect((await usage(u, { ...range, groupBy: "day", utcOffset: 480 })).items.map((r) => [r.instanceName, r.day, r.usageCents, r.runningSeconds])).toEqual([
      ["notebook", "2026-01-02", 10, 120],
      ["trainer", "2026-01-02", 8, 90],
    ]);
    expect((await usage(u, { ...range, groupBy: "instance" })).items.map((r) => [r.instanceName, r.day, r.usageCents, r.runningSeconds])).toEqual([
      ["notebook", null, 10, 120],
      ["trainer", null, 8, 90],
    ]);
    expect((await usage(u, { from: "2026-01-02T00:00:00Z", to: "2026-01-03T00:00:00Z", groupBy: "day", instanceId: a })).items).toEqual([
      expect.objectContaining({ instanceId: a, day: "2026-01-02", usageCents: 3 }),
    ]);

    // The drill-down: that row's entries.
    const drill = await listLedger(u, { page: 1, pageSize: 20, instanceId: a, from: "2026-01-02T00:00:00Z", to: "2026-01-03T00:00:00Z" });
    expect(drill.items.map((e) => [e.kind, e.amountCents, e.instanceName])).toEqual([
      ["refund", 3, "trainer"],
      ["usage", -6, "trainer"],
    ]);

    // Only one's own.
    const refused = await usage(other, { ...range, groupBy: "day", userId: u.userId }).catch((e: unknown) => e);
    expect((refused as AppError).code).toBe("FORBIDDEN");
    expect((await usage(other, { ...range, groupBy: "instance" })).items.map((r) => r.instanceName)).toEqual(["theirs"]);
    expect((await usage(admin, { ...range, groupBy: "instance", userId: u.userId })).usageCents).toBe(18);
    expect(await invariant()).toMatchObject({ ok: true });
  });

  it("gives every instance its cost so far and running time (list and page), as its ledger entries add up", async () => {
    const u = await testUser("owner");
    const fresh = await instance(u, "fresh", "cpu-1");
    // A running instance at 333 ¢/h whose meter is 5 minutes behind: five charged intervals...
    const since = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000);
    const { id: a } = await db().instance.create({
      data: {
        name: "charged",
        userId: u.userId,
        status: "running",
        imageName: "i",
        imageAddress: "busybox",
        specName: "gpu-1",
        cpuCores: 1,
        memoryGb: 1,
        pricePerHourCents: 333,
        volumeName: `v-${randomUUID()}`,
        startedAt: since,
        meteredUntil: since,
      },
      select: { id: true },
    });
    await meterAll(undefined, new Date(since.getTime() + 5 * 60_000 + 500));
    // ... then it turns out to have stopped 2.5 minutes in: the rest is refunded.
    await db().instance.update({ where: { id: a }, data: { status: "stopped", stoppedAt: new Date(since.getTime() + 150_000) } });
    await meterAll(undefined, new Date(since.getTime() + 6 * 60_000));

    const ledgerSum = -(await db().ledgerEntry.aggregate({ where: { instanceId: a, kind: { in: ["usage", "refund"] } }, _sum: { amountCents: true } }))._sum
      .amountCents!;
    expect(await db().ledgerEntry.count({ where: { instanceId: a, kind: "refund" } })).toBe(1);
    // floor(333 × 2.5 min / 60 min) = 13 ¢, whatever the split into intervals and the refund.
    expect(ledgerSum).toBe(13);
    expect(await getInstance(u, a)).toMatchObject({ id: a, costCents: 13, runningSeconds: 150 });
    const listed = await listInstances(u, { page: 1, pageSize: 10, status: "stopped" });
    expect(listed.items.map((i) => [i.name, i.costCents, i.runningSeconds])).toEqual([
      ["charged", 13, 150],
      ["fresh", 0, 0],
    ]);
    expect(
      (await usage(u, { from: since.toISOString(), to: new Date(Date.now() + 60_000).toISOString(), groupBy: "instance" })).items.map((r) => [
        r.instanceId,
        r.usageCents,
      ]),
    ).toEqual([[a, 13]]);
    expect(fresh).toBeTruthy();
    expect(await invariant()).toMatchObject({ ok: true });
  });
});
