import "server-only";
import { db, type Prisma, transaction } from "../db/client";
import { inChunks } from "../db/query";
import { CONTENDED } from "./ledger.repo";
import type { MeterRow, Step } from "./meter";

// The meter's storage: instances being metered, and applying a user's steps in one
// transaction (the user's row locked, each instance's meter moved by compare-and-set, the
// entries and the new balance written together).

export type Item = { row: MeterRow; step: Step };
export type Entry = Prisma.LedgerEntryCreateManyInput & { balanceAfterCents: number };

const meterSelect = {
  id: true,
  userId: true,
  name: true,
  status: true,
  pricePerHourCents: true,
  meteredUntil: true,
  meteredMs: true,
  stoppedAt: true,
  deletedAt: true,
  startedAt: true,
} as const;

export function meteredRows(): Promise<MeterRow[]> {
  return db().instance.findMany({ where: { meteredUntil: { not: null } }, select: meterSelect });
}

export function meterRow(id: string): Promise<MeterRow | null> {
  return db().instance.findUnique({ where: { id }, select: meterSelect });
}

/** The meters of these instances as they are now (still being metered). */
export function meterRowsByIds(ids: string[]): Promise<MeterRow[]> {
  return inChunks(ids, (chunk) => db().instance.findMany({ where: { id: { in: chunk }, meteredUntil: { not: null } }, select: meterSelect }));
}

/** What each of these users' running instances cost per hour together (summed in the database). */
export async function burnRates(userIds: string[]): Promise<Map<string, number>> {
  const rows = await inChunks(userIds, (chunk) =>
    db().instance.groupBy({ by: ["userId"], where: { userId: { in: chunk }, status: "running" }, _sum: { pricePerHourCents: true } }),
  );
  return new Map(rows.map((r) => [r.userId, r._sum.pricePerHourCents ?? 0]));
}

/** An instance's usage charges that end after `after` (what a refund may give back). */
export function usageAfter(instanceId: string, after: Date): Promise<{ periodStart: Date; periodEnd: Date }[]> {
  return db()
    .ledgerEntry.findMany({ where: { instanceId, kind: "usage", periodEnd: { gt: after } }, select: { periodStart: true, periodEnd: true } })
    .then((rows) => rows.flatMap((r) => (r.periodStart && r.periodEnd ? [{ periodStart: r.periodStart, periodEnd: r.periodEnd }] : [])));
}

/** What a workload's running time cost in all (its usage charges less refunds), cents. */
export async function chargedFor(instanceId: string): Promise<number> {
  const sum = await db().ledgerEntry.aggregate({ where: { instanceId, kind: { in: ["usage", "refund"] } }, _sum: { amountCents: true } });
  return -(sum._sum.amountCents ?? 0);
}

/** The meter's next position after a step (what the compare-and-set writes). */
function advance(step: Step) {
  if (step.kind === "charge") return { meteredUntil: step.final ? null : step.to, meteredMs: { increment: step.ms } };
  if (step.kind === "refund") return { meteredUntil: null, meteredMs: { decrement: step.ms } };
  return { meteredUntil: null };
}

/**
 * Applies one step for each of a user's instances in one transaction. Steps another meter
 * took meanwhile (meteredUntil moved) are left out; `plan` turns the applied ones into
 * ledger entries from the locked balance. Answers what was applied and the new balance.
 */
export async function applyForUser(
  userId: string,
  items: Item[],
  plan: (start: number, applied: Item[]) => { entries: Entry[]; balance: number; charged: number; forgiven: Item[] },
): Promise<{ applied: Item[]; charged: number; startCents: number; balanceCents: number }> {
  return transaction(async (tx) => {
    // A no-op update takes the row lock (PostgreSQL): the balance read stays true until commit.
    const { balanceCents: start } = await tx.user.update({ where: { id: userId }, data: { balanceCents: { increment: 0 } }, select: { balanceCents: true } });
    const applied: Item[] = [];
    for (const item of items) {
      const moved = await tx.instance.updateMany({ where: { id: item.row.id, meteredUntil: item.row.meteredUntil }, data: advance(item.step) });
      if (moved.count) applied.push(item);
    }
    const { entries, balance, charged, forgiven } = plan(start, applied);
    // Time not charged (the balance was used up) does not count as charged time.
    for (const { row, step } of forgiven)
      await tx.instance.update({ where: { id: row.id }, data: { meteredMs: { decrement: step.kind === "charge" ? step.ms : 0 } }, select: { id: true } });
    if (entries.length) {
      await tx.ledgerEntry.createMany({ data: entries });
      await tx.user.update({ where: { id: userId }, data: { balanceCents: balance }, select: { id: true } });
    }
    return { applied, charged, startCents: start, balanceCents: balance };
  }, CONTENDED);
}
