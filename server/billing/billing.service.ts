import "server-only";
import type { TBillingSummary, TLedgerEntry, TLedgerQuery, TRevenue, TUsage } from "@/lib/contracts/billing";
import type { Principal } from "../auth/principal";
import { isAdmin } from "../auth/permissions";
import { audited, auditNote } from "../audit/audit.service";
import { env } from "../env";
import { getSettings } from "../settings/settings.service";
import { AppError, isUniqueViolation, notFound, ref } from "../http/errors";
import type { Tx } from "../db/client";
import * as ledger from "./ledger.repo";
import { announceLowBalances } from "./meter";
import { csvLine } from "@/lib/csv";

// Balances and the ledger: what a launch needs, how long a balance lasts, administrators'
// adjustments, the invariant (balance == sum of entries), exports and revenue.

const DAY_MS = 86_400_000;

export const formatCents = (cents: number) => `${cents < 0 ? "-" : ""}¥${(Math.abs(cents) / 100).toFixed(2)}`;

/**
 * Launching or starting an instance at `pricePerHourCents` needs BILLING_MIN_BALANCE_MINUTES
 * of everything the user then runs: the instances already running (or being created or
 * started) plus this one (422 INSUFFICIENT_BALANCE otherwise). Runs in the caller's transaction, under a
 * lock on the user's row, so that simultaneous launches count each other.
 */
export async function assertCanAfford(tx: Tx, userId: string, pricePerHourCents: number): Promise<void> {
  if (pricePerHourCents <= 0) return;
  const spend = await ledger.lockedSpend(tx, userId);
  if (!spend) throw notFound("User");
  const minutes = env().BILLING_MIN_BALANCE_MINUTES;
  const burn = spend.burnCentsPerHour + pricePerHourCents;
  const needed = Math.max(1, Math.ceil((burn * minutes) / 60));
  if (spend.balanceCents < needed) {
    const params = { balance: formatCents(spend.balanceCents), needed: formatCents(needed), minutes, burn: formatCents(burn) };
    throw new AppError(
      "INSUFFICIENT_BALANCE",
      spend.burnCentsPerHour > 0
        ? ref("serverMessages.balance.insufficientRunning", { ...params, running: formatCents(spend.burnCentsPerHour) })
        : ref("serverMessages.balance.insufficient", params),
    );
  }
}

export async function balanceUsedUp(userId: string): Promise<boolean> {
  return ((await ledger.balanceOf(userId)) ?? 0) <= 0;
}

/** How long a balance lasts at a burn rate; null when nothing burns. Pure. */
export function secondsLeft(balanceCents: number, burnCentsPerHour: number): number | null {
  if (burnCentsPerHour <= 0) return null;
  return Math.max(0, Math.floor((balanceCents / burnCentsPerHour) * 3600));
}

export async function summary(userId: string): Promise<TBillingSummary> {
  const [balance, running] = await Promise.all([ledger.balanceOf(userId), ledger.runningPrices(userId)]);
  if (balance === null) throw notFound("User");
  const burn = running.reduce((s, p) => s + p, 0);
  const left = secondsLeft(balance, burn);
  const min = env().BILLING_MIN_BALANCE_MINUTES;
  const low = (await getSettings()).lowBalanceMinutes;
  return {
    balanceCents: balance,
    burnCentsPerHour: burn,
    runningInstances: running.length,
    secondsLeft: left,
    lowBalance: left !== null && left < low * 60,
    lowBalanceMinutes: low,
    minBalanceMinutes: min,
  };
}

async function toDtos(rows: ledger.EntryRow[]): Promise<TLedgerEntry[]> {
  const [names, recharges] = await Promise.all([
    ledger.instanceNames([...new Set(rows.flatMap((r) => (r.instanceId ? [r.instanceId] : [])))]),
    ledger.rechargesOf(rows.flatMap((r) => (r.kind === "recharge" ? [r.id] : []))),
  ]);
  return rows.map((r) => ({
    id: r.id,
    userId: r.userId,
    kind: r.kind as TLedgerEntry["kind"],
    amountCents: r.amountCents,
    balanceAfterCents: r.balanceAfterCents,
    instanceId: r.instanceId,
    instanceName: r.instanceId ? (names.get(r.instanceId)?.name ?? null) : null,
    recharge: recharges.get(r.id) ?? null,
    note: r.note,
    periodStart: r.periodStart?.toISOString() ?? null,
    periodEnd: r.periodEnd?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  }));
}

/** Whose ledger a query reads: one's own; administrators may name another user. */
function filterOf(p: Principal, q: TLedgerQuery): ledger.LedgerFilter {
  if (q.userId && q.userId !== p.userId && !isAdmin(p)) throw new AppError("FORBIDDEN", ref("serverMessages.auth.ledgerOthers"));
  return {
    userId: q.userId ?? p.userId,
    kind: q.kind,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
    instanceId: q.instanceId,
  };
}

export async function listLedger(p: Principal, q: TLedgerQuery) {
  const { items, total } = await ledger.listEntries(filterOf(p, q), q);
  return { items: await toDtos(items), total, page: q.page, pageSize: q.pageSize };
}

const CSV_COLUMNS = ["createdAt", "kind", "amountCents", "balanceAfterCents", "instanceName", "instanceId", "periodStart", "periodEnd", "note", "id"] as const;

/** The ledger as CSV lines (header first), streamed page by page. */
export async function* ledgerCsv(p: Principal, q: TLedgerQuery): AsyncGenerator<string> {
  // The selection ends now: entries written during the export do not shift its pages.
  const f = filterOf(p, { ...q, to: new Date(Math.min(q.to ? Date.parse(q.to) : Infinity, Date.now())).toISOString() });
  yield csvLine([...CSV_COLUMNS]);
  for await (const rows of ledger.allEntries(f)) {
    for (const e of await toDtos(rows)) yield csvLine(CSV_COLUMNS.map((c) => e[c]));
  }
}

export async function adjust(p: Principal, userId: string, input: { amountCents: number; reason: string; idempotencyKey?: string }): Promise<TLedgerEntry> {
  if ((await ledger.balanceOf(userId)) === null) throw notFound("User");
  auditNote({ target: { type: "user", id: userId }, detail: { amountCents: input.amountCents, reason: input.reason, idempotencyKey: input.idempotencyKey } });
  const key = `adjustment:${userId}:${input.idempotencyKey ?? crypto.randomUUID()}`;
  const entry = await audited(() =>
    ledger
      .postEntry({ userId, kind: "adjustment", amountCents: input.amountCents, idempotencyKey: key, note: input.reason, actorId: p.userId })
      .catch(async (err: unknown) => {
        // The same adjustment again: answer the one made.
        const made = isUniqueViolation(err) ? await ledger.entryByKey(key) : null;
        if (!made) throw err;
        auditNote({ detail: { repeated: true } });
        return made;
      }),
  );
  // A deduction can take a running user below the warning, as a meter tick can.
  if (entry.amountCents < 0) {
    await announceLowBalances(new Map([[userId, { start: entry.balanceAfterCents - entry.amountCents, end: entry.balanceAfterCents }]]));
  }
  return (await toDtos([entry]))[0]!;
}

/** A ledger line saying why an instance was stopped: its owner's balance ran out (no amount). */
export async function recordStopForBalance(row: { id: string; userId: string; name: string; stoppedAt: Date | null }): Promise<void> {
  const at = row.stoppedAt ?? new Date();
  await ledger
    .postEntry({
      userId: row.userId,
      kind: "usage",
      amountCents: 0,
      idempotencyKey: `stopped:${row.id}:${at.toISOString()}`,
      instanceId: row.id,
      note: `${row.name} stopped: the balance ran out (its data is kept)`,
    })
    .catch((err: unknown) => {
      if (!isUniqueViolation(err)) throw err;
    });
}

export async function invariant() {
  const { checked, mismatches } = await ledger.invariantMismatches();
  return { ok: mismatches.length === 0, usersChecked: checked, mismatches };
}

/**
 * A user's usage per instance and local day of the charges (or per instance): cost net of
 * refunds and running time, summed in the database; the ledger's entries stay as they are
 * (the drill-down lists them: GET /billing/ledger?instanceId&from&to). Default: the last 30
 * days, from a midnight.
 */
export async function usage(
  p: Principal,
  q: { from?: string; to?: string; groupBy: "day" | "instance"; utcOffset?: number; instanceId?: string; userId?: string },
): Promise<TUsage> {
  if (q.userId && q.userId !== p.userId && !isAdmin(p)) throw new AppError("FORBIDDEN", ref("serverMessages.auth.usageOthers"));
  const offset = q.utcOffset ?? 0;
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : dayStarts(new Date(to.getTime() - 29 * DAY_MS), to, offset)[0]!;
  const sums = await ledger.usageSums({ userId: q.userId ?? p.userId, from, to, ...(q.instanceId ? { instanceIds: [q.instanceId] } : {}) }, q.groupBy, offset);
  const names = await ledger.instanceNames([...new Set(sums.map((r) => r.instanceId))]);
  const items = sums
    // A stop at zero balance leaves an entry of no amount and no time: nothing to show.
    .filter((r) => r.cents !== 0 || r.ms !== 0)
    .map((r) => ({
      instanceId: r.instanceId,
      instanceName: names.get(r.instanceId)?.name ?? "—",
      specName: names.get(r.instanceId)?.specName ?? "—",
      day: r.day,
      usageCents: -r.cents,
      runningSeconds: Math.round(r.ms / 1000),
    }))
    .sort((a, b) => (b.day ?? "").localeCompare(a.day ?? "") || b.usageCents - a.usageCents || a.instanceName.localeCompare(b.instanceName));
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    groupBy: q.groupBy,
    items,
    usageCents: items.reduce((s, r) => s + r.usageCents, 0),
    runningSeconds: items.reduce((s, r) => s + r.runningSeconds, 0),
  };
}

/** Local midnights (at `utcOffset` minutes from UTC) from the day of `from` to `to`, as UTC instants. Pure. */
export function dayStarts(from: Date, to: Date, utcOffset: number): Date[] {
  const shift = utcOffset * 60_000;
  const first = Math.floor((from.getTime() + shift) / DAY_MS) * DAY_MS - shift;
  const out: Date[] = [];
  for (let t = first; t < to.getTime(); t += DAY_MS) out.push(new Date(t));
  return out;
}

/**
 * Usage (net of refunds) and recharges per day, cut at the viewer's midnight, and usage per
 * spec, all summed in the database (a query per day, one per instance group): bounded
 * however many entries there are. Default: the last 30 days, from a midnight.
 */
export async function revenue(q: { from?: string; to?: string; utcOffset?: number }): Promise<TRevenue> {
  const offset = q.utcOffset ?? 0;
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : dayStarts(new Date(to.getTime() - 29 * DAY_MS), to, offset)[0]!;
  const starts = dayStarts(from, to, offset);
  const byDay = await Promise.all(
    starts.map(async (start, i) => {
      const sums = await ledger.sumsByKind(["usage", "refund", "recharge"], new Date(Math.max(start.getTime(), from.getTime())), starts[i + 1] ?? to);
      const local = new Date(start.getTime() + offset * 60_000).toISOString().slice(0, 10);
      // Usage entries are negative and refunds positive: revenue is their negated sum.
      return { day: local, usageCents: -((sums.get("usage") ?? 0) + (sums.get("refund") ?? 0)), rechargeCents: sums.get("recharge") ?? 0 };
    }),
  );
  const perInstance = await ledger.sumsByInstance(["usage", "refund"], from, to);
  const specs = await ledger.instanceNames(perInstance.flatMap((r) => (r.instanceId ? [r.instanceId] : [])));
  const bySpec = new Map<string, number>();
  for (const r of perInstance) {
    const spec = r.instanceId ? (specs.get(r.instanceId)?.specName ?? "—") : "—";
    bySpec.set(spec, (bySpec.get(spec) ?? 0) - r.cents);
  }
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    usageCents: byDay.reduce((s, d) => s + d.usageCents, 0),
    rechargeCents: byDay.reduce((s, d) => s + d.rechargeCents, 0),
    byDay,
    bySpec: [...bySpec.entries()]
      .map(([specName, usageCents]) => ({ specName, usageCents }))
      .filter((s) => s.usageCents !== 0)
      .sort((a, b) => b.usageCents - a.usageCents),
  };
}
