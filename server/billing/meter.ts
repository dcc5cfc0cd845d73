import "server-only";
import { env } from "../env";
import { getSettings } from "../settings/settings.service";
import { emit } from "../events";
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
// After the console was down, a running instance's missed intervals are charged in the next
// tick (one round per interval); an instance whose node is unreachable (unknown) waits
// until it is seen. Time past a used-up balance is not charged, and refunds give back only
// time that was charged.
// A charge is made only while the balance is positive: the interval that crosses zero is
// the whole overdraft, and the user's running instances are then stopped (see workers/meter).
// A tick works per user: one transaction per user and round moves all their meters.
// A tick that takes a balance below the lowBalanceMinutes setting of the user's running price
// announces it (billing.balanceLow) once: the next ticks start below and stay silent.

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
  /** When the current run began (its start or last restart). */
  startedAt: Date | null;
};

export type Step =
  | { kind: "charge"; from: Date; to: Date; ms: number; amount: number; final: boolean }
  | { kind: "refund"; from: Date; to: Date; ms: number; amount: number }
  | { kind: "close" };

/**
 * What to do next for an instance's meter at `now` (null: nothing yet). Pure. A run's end
 * (its stop, deletion, or the container's own finish time, read from the node's clock) is
 * kept between the run's start and now, so a node's clock drift neither charges the future
 * nor reaches into earlier runs. A refund step (end before meteredUntil) still needs the
 * time actually charged after the end: see resolveRefund.
 */
export function nextStep(row: MeterRow, now: Date, intervalMs: number): Step | null {
  if (!row.meteredUntil) return null;
  const from = row.meteredUntil.getTime();
  const charge = (to: number, final: boolean): Step => ({
    kind: "charge",
    from: new Date(from),
    to: new Date(to),
    ms: to - from,
    amount: chargeFor(row.pricePerHourCents, row.meteredMs, to - from),
    final,
  });
  if (row.status === "running") return from + intervalMs <= now.getTime() ? charge(from + intervalMs, false) : null;
  // Its node does not answer (or it is being created): wait until the reconciler knows.
  if (row.status === "unknown" || row.status === "creating") return null;
  const runStart = Math.min(row.startedAt?.getTime() ?? from, from);
  const end = Math.min(Math.max((row.stoppedAt ?? row.deletedAt ?? row.meteredUntil).getTime(), runStart), now.getTime());
  if (end > from) {
    const to = Math.min(from + intervalMs, end);
    return charge(to, to === end);
  }
  if (end < from) return { kind: "refund", from: new Date(end), to: new Date(from), ms: 0, amount: 0 };
  return { kind: "close" };
}

/**
 * A refund step with its amount: the time charged after the end (from the instance's usage
 * entries, so time that was never charged, e.g. past a used-up balance, is never paid back),
 * priced as a step back on the cumulative cost. Pure.
 */
export function resolveRefund(row: MeterRow, step: Extract<Step, { kind: "refund" }>, charged: { periodStart: Date; periodEnd: Date }[]): Step {
  const end = step.from.getTime();
  const ms = Math.min(
    row.meteredMs,
    charged.reduce((s, e) => s + Math.max(0, e.periodEnd.getTime() - Math.max(e.periodStart.getTime(), end)), 0),
  );
  return { ...step, ms, amount: chargeFor(row.pricePerHourCents, row.meteredMs - ms, ms) };
}

const hours = (ms: number) => `${Math.round((ms / 3_600_000) * 10_000) / 10_000} h`;

type Item = repo.Item;
type Entry = repo.Entry;

/**
 * The ledger entries of a user's applied steps from the balance `start`: refunds first
 * (credits), then charges, made only while the balance is positive (the overdraft is at
 * most the interval that crossed zero). Charges not made are `forgiven`: that time is not
 * counted as charged. Pure.
 */
export function planEntries(userId: string, start: number, applied: Item[]): { entries: Entry[]; balance: number; charged: number; forgiven: Item[] } {
  let balance = start;
  let charged = 0;
  const entries: Entry[] = [];
  const forgiven: Item[] = [];
  const ordered = [...applied.filter((i) => i.step.kind === "refund"), ...applied.filter((i) => i.step.kind !== "refund")];
  for (const item of ordered) {
    const { row, step } = item;
    if (step.kind === "close" || step.amount === 0) continue;
    const period = { userId, instanceId: row.id, periodStart: step.from, periodEnd: step.to };
    if (step.kind === "refund") {
      balance += step.amount;
      charged -= step.amount;
      entries.push({
        ...period,
        kind: "refund",
        amountCents: step.amount,
        balanceAfterCents: balance,
        idempotencyKey: `refund:${row.id}:${step.to.toISOString()}`,
        note: `${row.name}: ${hours(step.ms)} charged past its stop`,
      });
    } else if (balance > 0) {
      balance -= step.amount;
      charged += step.amount;
      entries.push({
        ...period,
        kind: "usage",
        amountCents: -step.amount,
        balanceAfterCents: balance,
        idempotencyKey: `usage:${row.id}:${step.from.toISOString()}`,
        note: `${row.name}: ${hours(step.ms)} at ${row.pricePerHourCents} cents/h`,
      });
    } else forgiven.push(item);
  }
  return { entries, balance, charged, forgiven };
}

/**
 * Whether charges took a balance from lasting at least `minutes` at `burnCentsPerHour` to
 * lasting less, while still positive (at zero the instances stop, which says more). Pure.
 */
export function crossedLow(startCents: number, endCents: number, burnCentsPerHour: number, minutes: number): boolean {
  if (burnCentsPerHour <= 0 || endCents <= 0) return false;
  // balance / burn × 60 < minutes, in integers.
  const threshold = burnCentsPerHour * minutes;
  return startCents * 60 >= threshold && endCents * 60 < threshold;
}

/**
 * Emits billing.balanceLow for the users whose balance these changes (the meter's charges,
 * an administrator's deduction) took below the warning threshold.
 */
export async function announceLowBalances(balances: Map<string, { start: number; end: number }>): Promise<void> {
  const fell = [...balances].filter(([, b]) => b.end < b.start && b.end > 0).map(([userId]) => userId);
  if (!fell.length) return;
  const minutes = (await getSettings()).lowBalanceMinutes;
  if (!minutes) return;
  const rates = await repo.burnRates(fell);
  for (const userId of fell) {
    const { start, end } = balances.get(userId)!;
    const burn = rates.get(userId) ?? 0;
    if (!crossedLow(start, end, burn, minutes)) continue;
    emit("billing.balanceLow", { userId, balanceCents: end, burnCentsPerHour: burn, secondsLeft: Math.floor((end * 3600) / burn) });
  }
}

/**
 * Runs the meters of `rows` as far as `now` allows: in rounds of one step per instance,
 * one transaction per user per round (a back-fill after downtime takes one round per
 * missed interval); each round reads its rows afresh, so a stop made meanwhile is seen.
 * Answers the cents charged and the users whose balance is used up while they have
 * instances running. `strict`: a failure is thrown (a settle before a start must not
 * be skipped); otherwise it is logged and the next tick tries again.
 */
export async function meterRows(
  rows: MeterRow[],
  now: Date,
  opts: { signal?: AbortSignal; strict?: boolean } = {},
  intervalMs = env().BILLING_INTERVAL_SEC * 1000,
): Promise<{ charged: number; exhaustedUsers: string[] }> {
  const exhausted = new Set<string>();
  /** Each user's balance before the first round and after the last. */
  const balances = new Map<string, { start: number; end: number }>();
  let charged = 0;
  let pending = rows;
  while (pending.length && !opts.signal?.aborted) {
    const byUser = new Map<string, Item[]>();
    for (const row of pending) {
      let step = nextStep(row, now, intervalMs);
      if (step?.kind === "refund") step = resolveRefund(row, step, await repo.usageAfter(row.id, step.from));
      if (step) byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), { row, step }]);
    }
    const more: string[] = [];
    const users = [...byUser.entries()];
    for (let i = 0; i < users.length && !opts.signal?.aborted; i += PARALLEL) {
      await Promise.all(
        users.slice(i, i + PARALLEL).map(async ([userId, items]) => {
          let out: Awaited<ReturnType<typeof repo.applyForUser>>;
          try {
            out = await repo.applyForUser(userId, items, (start, applied) => planEntries(userId, start, applied));
          } catch (err) {
            if (opts.strict) throw err;
            logger.error({ err, userId }, "metering failed; the next tick tries again");
            return;
          }
          charged += out.charged;
          balances.set(userId, { start: balances.get(userId)?.start ?? out.startCents, end: out.balanceCents });
          if (out.balanceCents <= 0 && items.some((it) => it.row.status === "running")) exhausted.add(userId);
          // Another round only for meters with another interval due (a back-fill, or a stopped run's rest).
          for (const { row, step } of out.applied) {
            if (step.kind === "charge" && !step.final && (row.status !== "running" || step.to.getTime() + intervalMs <= now.getTime())) more.push(row.id);
          }
        }),
      );
    }
    pending = more.length ? await repo.meterRowsByIds(more) : [];
  }
  // A warning is worth less than the charges: its failure is only logged.
  await announceLowBalances(balances).catch((err: unknown) => logger.error({ err }, "could not check for low balances"));
  return { charged, exhaustedUsers: [...exhausted] };
}

/**
 * Settles one instance's meter now. Before a start (`strict`) a failure is thrown: the
 * start would otherwise overwrite an unsettled run. After a stop or delete it is logged:
 * the run is over either way, and the next tick settles it.
 */
export async function settleInstance(id: string, opts: { strict?: boolean } = {}, now = new Date()): Promise<void> {
  const row = await repo.meterRow(id);
  if (row?.meteredUntil) await meterRows([row], now, { strict: opts.strict });
}

const PARALLEL = 8;

/** One tick over every metered instance. Answers the users whose balance ran out while instances run. */
export async function meterAll(signal?: AbortSignal, now = new Date()): Promise<{ instances: number; charged: number; exhaustedUsers: string[] }> {
  const rows = await repo.meteredRows();
  return { instances: rows.length, ...(await meterRows(rows, now, { signal })) };
}
