import "server-only";
import { db } from "../db/client";
import { env } from "../env";
import { isUniqueViolation } from "../http/errors";
import { logger } from "../logger";
import * as ledger from "./ledger.repo";

// The meter: running time is charged per interval (BILLING_INTERVAL_SEC) at the price locked
// when the instance was launched. Each instance carries how far it was charged
// (meteredUntil) and its total charged time (meteredMs); an interval's charge is the step
// of the cumulative cost floor(price × time / 1 h), so the charges of an hour add up to the
// hourly price exactly, whatever the split. A run ends with a partial charge up to when it
// stopped (stoppedAt / deletedAt, or the container's own finish time found by the
// reconciler); time charged past that is refunded. Every step moves meteredUntil with a
// compare-and-set in the transaction that writes the ledger entry (whose key is the
// instance and interval start), so concurrent meters, retries and restarts charge once.
// After the console was down, a running instance's missed intervals are charged on the
// next ticks; an instance whose node is unreachable (unknown) waits until it is seen.
// A charge is made only while the balance is positive: the interval that crosses zero is
// the whole overdraft, and the user's running instances are then stopped (see workers/meter).

const HOUR_MS = 3_600_000n;

/** Cents for `addMs` more running time after `meteredMs` at `price` per hour: a step of the cumulative cost. Pure. */
export function chargeFor(pricePerHourCents: number, meteredMs: number, addMs: number): number {
  const p = BigInt(pricePerHourCents);
  return Number((p * BigInt(meteredMs + addMs)) / HOUR_MS - (p * BigInt(meteredMs)) / HOUR_MS);
}

export type MeterRow = {
  id: string;
  userId: string;
  name: string;
  status: string;
  pricePerHourCents: number;
  meteredUntil: Date | null;
  meteredMs: number;
  stoppedAt: Date | null;
  deletedAt: Date | null;
};

export type Step =
  | { kind: "charge"; from: Date; to: Date; ms: number; amount: number; final: boolean }
  | { kind: "refund"; from: Date; to: Date; ms: number; amount: number }
  | { kind: "close" };

/** What to do next for an instance's meter at `now` (null: nothing yet). Pure. */
export function nextStep(row: MeterRow, now: Date, intervalMs: number): Step | null {
  if (!row.meteredUntil) return null;
  const from = row.meteredUntil.getTime();
  const charge = (to: number, final: boolean): Step => ({ kind: "charge", from: new Date(from), to: new Date(to), ms: to - from, amount: chargeFor(row.pricePerHourCents, row.meteredMs, to - from), final });
  if (row.status === "running") return from + intervalMs <= now.getTime() ? charge(from + intervalMs, false) : null;
  // Its node does not answer (or it is being created): wait until the reconciler knows.
  if (row.status === "unknown" || row.status === "creating") return null;
  const end = (row.stoppedAt ?? row.deletedAt ?? row.meteredUntil).getTime();
  if (end > from) {
    const to = Math.min(from + intervalMs, end);
    return charge(to, to === end);
  }
  if (end < from) {
    const ms = Math.min(from - end, row.meteredMs);
    return { kind: "refund", from: new Date(from - ms), to: new Date(from), ms, amount: chargeFor(row.pricePerHourCents, row.meteredMs - ms, ms) };
  }
  return { kind: "close" };
}

const meterSelect = { id: true, userId: true, name: true, status: true, pricePerHourCents: true, meteredUntil: true, meteredMs: true, stoppedAt: true, deletedAt: true } as const;

const hours = (ms: number) => `${Math.round((ms / 3_600_000) * 10_000) / 10_000} h`;

type Outcome = { result: "done" | "raced"; balanceCents: number | null; charged: number };

/**
 * Applies one step: moves the instance's meter (only if nobody else did: compare-and-set on
 * meteredUntil) and writes its ledger entry, in one transaction.
 */
async function apply(row: MeterRow, step: Step): Promise<Outcome> {
  try {
    return await db().$transaction(async (tx) => {
      const data =
        step.kind === "charge"
          ? { meteredUntil: step.final ? null : step.to, meteredMs: { increment: step.ms } }
          : step.kind === "refund"
            ? { meteredUntil: null, meteredMs: { decrement: step.ms } }
            : { meteredUntil: null };
      const moved = await tx.instance.updateMany({ where: { id: row.id, meteredUntil: row.meteredUntil }, data });
      if (moved.count === 0) return { result: "raced", balanceCents: null, charged: 0 } as Outcome;
      if (step.kind === "close" || step.amount === 0) return { result: "done", balanceCents: null, charged: 0 } as Outcome;
      const period = { periodStart: step.from, periodEnd: step.to, instanceId: row.id };
      if (step.kind === "refund") {
        const e = await ledger.post(tx, { userId: row.userId, kind: "refund", amountCents: step.amount, idempotencyKey: `refund:${row.id}:${step.to.toISOString()}`, note: `${row.name}: ${hours(step.ms)} charged past its stop`, ...period });
        return { result: "done", balanceCents: e.balanceAfterCents, charged: -step.amount } as Outcome;
      }
      const { balanceCents } = await tx.user.findUniqueOrThrow({ where: { id: row.userId }, select: { balanceCents: true } });
      // Used up: this time is not charged (the overdraft is at most the interval that crossed zero).
      if (balanceCents <= 0) return { result: "done", balanceCents, charged: 0 } as Outcome;
      const e = await ledger.post(tx, {
        userId: row.userId,
        kind: "usage",
        amountCents: -step.amount,
        idempotencyKey: `usage:${row.id}:${step.from.toISOString()}`,
        note: `${row.name}: ${hours(step.ms)} at ${row.pricePerHourCents} cents/h`,
        ...period,
      });
      return { result: "done", balanceCents: e.balanceAfterCents, charged: step.amount } as Outcome;
    }, ledger.CONTENDED);
  } catch (err) {
    // The entry exists: another meter wrote it between our read and our write.
    if (isUniqueViolation(err)) return { result: "raced", balanceCents: null, charged: 0 };
    throw err;
  }
}

/** Runs an instance's meter as far as `now` allows. Answers the cents charged and whether its user's balance is used up. */
export async function meterInstance(row: MeterRow, now: Date, intervalMs = env().BILLING_INTERVAL_SEC * 1000): Promise<{ charged: number; exhausted: boolean }> {
  let r = row;
  let charged = 0;
  let exhausted = false;
  for (;;) {
    const step = nextStep(r, now, intervalMs);
    if (!step) break;
    const out = await apply(r, step);
    if (out.result === "raced") break;
    charged += out.charged;
    if (out.balanceCents !== null && out.balanceCents <= 0 && r.status === "running") exhausted = true;
    if (step.kind !== "charge" || step.final) break;
    r = { ...r, meteredUntil: step.to, meteredMs: r.meteredMs + step.ms };
  }
  return { charged, exhausted };
}

/** Settles one instance's meter now (after a stop or delete, before a start). */
export async function settleInstance(id: string, now = new Date()): Promise<void> {
  const row = await db().instance.findUnique({ where: { id }, select: meterSelect });
  if (row?.meteredUntil) await meterInstance(row, now);
}

const PARALLEL = 8;

/** One tick over every metered instance. Answers the users whose balance ran out while instances run. */
export async function meterAll(signal?: AbortSignal, now = new Date()): Promise<{ instances: number; charged: number; exhaustedUsers: string[] }> {
  const rows = await db().instance.findMany({ where: { meteredUntil: { not: null } }, select: meterSelect });
  const exhausted = new Set<string>();
  let charged = 0;
  for (let i = 0; i < rows.length && !signal?.aborted; i += PARALLEL) {
    await Promise.all(
      rows.slice(i, i + PARALLEL).map(async (row) => {
        try {
          const out = await meterInstance(row, now);
          charged += out.charged;
          if (out.exhausted) exhausted.add(row.userId);
        } catch (err) {
          logger.error({ err, instanceId: row.id }, "metering failed");
        }
      }),
    );
  }
  return { instances: rows.length, charged, exhaustedUsers: [...exhausted] };
}
