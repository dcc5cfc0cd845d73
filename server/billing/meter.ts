import "server-only";
import { env } from "../env";
import { isUniqueViolation } from "../http/errors";
import { logger } from "../logger";
import * as repo from "./meter.repo";

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
// A tick works per user: one transaction per user and round moves all their meters.

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

const hours = (ms: number) => `${Math.round((ms / 3_600_000) * 10_000) / 10_000} h`;

type Item = repo.Item;
type Entry = repo.Entry;

/**
 * The ledger entries of a user's applied steps, in order, from the balance `start`: refunds
 * credit; charges are made only while the balance is positive (the overdraft is at most
 * the interval that crossed zero; later time is not charged). Pure.
 */
export function planEntries(userId: string, start: number, applied: Item[]): { entries: Entry[]; balance: number; charged: number } {
  let balance = start;
  let charged = 0;
  const entries: Entry[] = [];
  for (const { row, step } of applied) {
    if (step.kind === "close" || step.amount === 0) continue;
    const period = { userId, instanceId: row.id, periodStart: step.from, periodEnd: step.to };
    if (step.kind === "refund") {
      balance += step.amount;
      charged -= step.amount;
      entries.push({ ...period, kind: "refund", amountCents: step.amount, balanceAfterCents: balance, idempotencyKey: `refund:${row.id}:${step.to.toISOString()}`, note: `${row.name}: ${hours(step.ms)} charged past its stop` });
    } else if (balance > 0) {
      balance -= step.amount;
      charged += step.amount;
      entries.push({ ...period, kind: "usage", amountCents: -step.amount, balanceAfterCents: balance, idempotencyKey: `usage:${row.id}:${step.from.toISOString()}`, note: `${row.name}: ${hours(step.ms)} at ${row.pricePerHourCents} cents/h` });
    }
  }
  return { entries, balance, charged };
}

/**
 * Runs the meters of `rows` as far as `now` allows: in rounds of one step per instance,
 * one transaction per user per round (a back-fill after downtime takes one round per
 * missed interval). Answers the cents charged and the users whose balance is used up
 * while they have instances running.
 */
export async function meterRows(rows: MeterRow[], now: Date, signal?: AbortSignal, intervalMs = env().BILLING_INTERVAL_SEC * 1000): Promise<{ charged: number; exhaustedUsers: string[] }> {
  const exhausted = new Set<string>();
  let charged = 0;
  let pending = rows;
  while (pending.length && !signal?.aborted) {
    const byUser = new Map<string, Item[]>();
    for (const row of pending) {
      const step = nextStep(row, now, intervalMs);
      if (step) byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), { row, step }]);
    }
    const next: MeterRow[] = [];
    const users = [...byUser.entries()];
    for (let i = 0; i < users.length && !signal?.aborted; i += PARALLEL) {
      await Promise.all(
        users.slice(i, i + PARALLEL).map(async ([userId, items]) => {
          let out: Awaited<ReturnType<typeof repo.applyForUser>>;
          try {
            out = await repo.applyForUser(userId, items, (start, applied) => planEntries(userId, start, applied));
          } catch (err) {
            // An entry that exists already: another meter got there first; its next tick continues.
            if (!isUniqueViolation(err)) logger.error({ err, userId }, "metering failed");
            return;
          }
          charged += out.charged;
          if (out.balanceCents <= 0 && items.some((it) => it.row.status === "running")) exhausted.add(userId);
          for (const { row, step } of out.applied) {
            if (step.kind === "charge" && !step.final) next.push({ ...row, meteredUntil: step.to, meteredMs: row.meteredMs + step.ms });
          }
        }),
      );
    }
    pending = next;
  }
  return { charged, exhaustedUsers: [...exhausted] };
}

/** Settles one instance's meter now (after a stop or delete, before a start). */
export async function settleInstance(id: string, now = new Date()): Promise<void> {
  const row = await repo.meterRow(id);
  if (row?.meteredUntil) await meterRows([row], now);
}

const PARALLEL = 8;

/** One tick over every metered instance. Answers the users whose balance ran out while instances run. */
export async function meterAll(signal?: AbortSignal, now = new Date()): Promise<{ instances: number; charged: number; exhaustedUsers: string[] }> {
  const rows = await repo.meteredRows();
  return { instances: rows.length, ...(await meterRows(rows, now, signal)) };
}
