import "server-only";
import { db, type Prisma, type Tx, transaction } from "../db/client";
import { inChunks, pageArgs } from "../db/query";
import { env } from "../env";
import { emit } from "../events";
import { AppError, notFound, ref } from "../http/errors";

// The ledger: entries are only ever appended, each moving its user's balance by its amount
// in the same transaction, and each written at most once (unique idempotency key).

/** Transactions that may queue behind others on the same rows (a user's balance, a code). */
export const CONTENDED = { maxWait: 30_000, timeout: 30_000 };

/** Balances stay below this, well inside a 32-bit integer. */
export const MAX_BALANCE_CENTS = 2_000_000_000;

export type NewEntry = {
  userId: string;
  kind: "recharge" | "usage" | "adjustment" | "refund";
  amountCents: number;
  idempotencyKey: string;
  instanceId?: string | null;
  note?: string | null;
  periodStart?: Date | null;
  periodEnd?: Date | null;
  actorId?: string | null;
};

export type EntryRow = Prisma.LedgerEntryGetPayload<object>;

/**
 * Appends one entry and moves the user's balance by its amount, in the caller's transaction.
 * A change that would take the balance beyond ±MAX_BALANCE_CENTS is refused (BALANCE_LIMIT).
 * Throws a unique-constraint error (isUniqueViolation) when the key was written before.
 */
export async function post(tx: Tx, e: NewEntry): Promise<EntryRow> {
  // Both ways within ±MAX_BALANCE_CENTS: far from where a 32-bit column overflows.
  const bound = e.amountCents > 0 ? { lte: MAX_BALANCE_CENTS - e.amountCents } : { gte: -MAX_BALANCE_CENTS - e.amountCents };
  const moved = await tx.user.updateMany({ where: { id: e.userId, balanceCents: bound }, data: { balanceCents: { increment: e.amountCents } } });
  if (moved.count === 0) {
    const exists = await tx.user.count({ where: { id: e.userId } });
    if (!exists) throw notFound("User");
    throw new AppError("BALANCE_LIMIT", ref("serverMessages.balance.limit", { max: MAX_BALANCE_CENTS }));
  }
  const { balanceCents } = await tx.user.findUniqueOrThrow({ where: { id: e.userId }, select: { balanceCents: true } });
  const entry = await tx.ledgerEntry.create({ data: { ...e, balanceAfterCents: balanceCents } });
  emit("ledger.posted", { kind: e.kind, amountCents: e.amountCents });
  return entry;
}

/** post() in a transaction of its own. */
export function postEntry(e: NewEntry): Promise<EntryRow> {
  return transaction((tx) => post(tx, e), CONTENDED);
}

export function entryByKey(idempotencyKey: string): Promise<EntryRow | null> {
  return db().ledgerEntry.findUnique({ where: { idempotencyKey } });
}

export async function balanceOf(userId: string): Promise<number | null> {
  return (await db().user.findUnique({ where: { id: userId }, select: { balanceCents: true } }))?.balanceCents ?? null;
}

/** The hourly prices of a user's running instances. */
export async function runningPrices(userId: string): Promise<number[]> {
  return (await db().instance.findMany({ where: { userId, status: "running" }, select: { pricePerHourCents: true } })).map((r) => r.pricePerHourCents);
}

/** Statuses whose instances burn (or are about to burn) the balance. */
export const BURNING = ["running", "creating", "unknown"];

/**
 * The user's balance and what their burning instances cost per hour, read in the caller's
 * transaction under a lock on the user's row: concurrent launches of one user queue here and
 * each sees the others' instances once they commit.
 */
export async function lockedSpend(tx: Tx, userId: string): Promise<{ balanceCents: number; burnCentsPerHour: number } | null> {
  // A no-op UPDATE takes the row lock (PostgreSQL); SQLite runs one writer at a time anyway.
  const locked = await tx.user.updateMany({ where: { id: userId }, data: { balanceCents: { increment: 0 } } });
  if (!locked.count) return null;
  const [user, burn] = await Promise.all([
    tx.user.findUniqueOrThrow({ where: { id: userId }, select: { balanceCents: true } }),
    // Holding resources counts too: a start in progress holds its allocation rows (inserted
    // in the caller's transaction) while its status is still "stopped".
    tx.instance.aggregate({ where: { userId, OR: [{ status: { in: BURNING } }, { allocations: { some: {} } }] }, _sum: { pricePerHourCents: true } }),
  ]);
  return { balanceCents: user.balanceCents, burnCentsPerHour: burn._sum.pricePerHourCents ?? 0 };
}

export type LedgerFilter = { userId: string; kind?: string; from?: Date; to?: Date; instanceId?: string };

function whereOf(f: LedgerFilter): Prisma.LedgerEntryWhereInput {
  return {
    userId: f.userId,
    ...(f.kind ? { kind: f.kind } : {}),
    ...(f.instanceId ? { instanceId: f.instanceId } : {}),
    ...(f.from || f.to ? { createdAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } } : {}),
  };
}

const newestFirst = [{ createdAt: "desc" }, { id: "desc" }] satisfies Prisma.LedgerEntryOrderByWithRelationInput[];

export async function listEntries(f: LedgerFilter, page: { page: number; pageSize: number }) {
  const where = whereOf(f);
  const [items, total] = await Promise.all([db().ledgerEntry.findMany({ where, orderBy: newestFirst, ...pageArgs(page) }), db().ledgerEntry.count({ where })]);
  return { items, total };
}

/** Every matching entry, in pages (for exports). */
export async function* allEntries(f: LedgerFilter, batch = 1000): AsyncGenerator<EntryRow[]> {
  const where = whereOf(f);
  for (let skip = 0; ; skip += batch) {
    const rows = await db().ledgerEntry.findMany({ where, orderBy: newestFirst, skip, take: batch });
    if (rows.length) yield rows;
    if (rows.length < batch) return;
  }
}

export async function instanceNames(ids: string[]): Promise<Map<string, { name: string; specName: string }>> {
  const rows = await inChunks(ids, (chunk) => db().instance.findMany({ where: { id: { in: chunk } }, select: { id: true, name: true, specName: true } }));
  return new Map(rows.map((r) => [r.id, { name: r.name, specName: r.specName }]));
}

/** The recharge code (its last characters) and batch description behind recharge entries. */
export async function rechargesOf(entryIds: string[]): Promise<Map<string, { codeHint: string; description: string }>> {
  const rows = await inChunks(entryIds, (chunk) =>
    db().rechargeRedemption.findMany({
      where: { ledgerEntryId: { in: chunk } },
      select: { ledgerEntryId: true, code: { select: { hint: true, batch: { select: { description: true } } } } },
    }),
  );
  return new Map(rows.map((r) => [r.ledgerEntryId, { codeHint: r.code.hint, description: r.code.batch.description }]));
}

/** Users whose balance differs from the sum of their entries. */
export async function invariantMismatches(): Promise<{
  checked: number;
  mismatches: { userId: string; username: string; balanceCents: number; ledgerSumCents: number }[];
}> {
  // One snapshot for both reads (PostgreSQL: repeatable read), so a charge committed in
  // between is not a false mismatch. SQLite's transactions are serializable anyway.
  const [users, sums] = await transaction(
    async (tx) =>
      [
        await tx.user.findMany({ select: { id: true, username: true, balanceCents: true } }),
        await tx.ledgerEntry.groupBy({ by: ["userId"], _sum: { amountCents: true } }),
      ] as const,
    // The SQLite client's types know only Serializable; PostgreSQL's client takes this.
    (env().dbProvider === "postgres" ? { isolationLevel: "RepeatableRead" } : undefined) as never,
  );
  const sumOf = new Map(sums.map((s) => [s.userId, s._sum.amountCents ?? 0]));
  const mismatches = users
    .map((u) => ({ userId: u.id, username: u.username, balanceCents: u.balanceCents, ledgerSumCents: sumOf.get(u.id) ?? 0 }))
    .filter((m) => m.balanceCents !== m.ledgerSumCents);
  return { checked: users.length, mismatches };
}

/** Sums per kind in a time range (counted in the database). */
export async function sumsByKind(kinds: string[], from: Date, to: Date): Promise<Map<string, number>> {
  const rows = await db().ledgerEntry.groupBy({ by: ["kind"], where: { kind: { in: kinds }, createdAt: { gte: from, lt: to } }, _sum: { amountCents: true } });
  return new Map(rows.map((r) => [r.kind, r._sum.amountCents ?? 0]));
}

/** Sums per instance in a time range (counted in the database; one row per instance). */
export async function sumsByInstance(kinds: string[], from: Date, to: Date): Promise<{ instanceId: string | null; cents: number }[]> {
  const rows = await db().ledgerEntry.groupBy({
    by: ["instanceId"],
    where: { kind: { in: kinds }, createdAt: { gte: from, lt: to } },
    _sum: { amountCents: true },
  });
  return rows.map((r) => ({ instanceId: r.instanceId, cents: r._sum.amountCents ?? 0 }));
}

export async function sumByKinds(kinds: string[], since?: Date): Promise<number> {
  const r = await db().ledgerEntry.aggregate({ where: { kind: { in: kinds }, ...(since ? { createdAt: { gte: since } } : {}) }, _sum: { amountCents: true } });
  return r._sum.amountCents ?? 0;
}

export type UsageFilter = { userId?: string; from?: Date; to?: Date; instanceIds?: string[] };
export type UsageSum = { instanceId: string; day: string | null; cents: number; ms: number };

/** Running time in ms of an entry's period: usage adds it, a refund takes it back; entries without a period add nothing. */
const PERIOD_MS = {
  sqlite: `(julianday("periodEnd") - julianday("periodStart")) * 86400000.0`,
  postgres: `EXTRACT(EPOCH FROM ("periodEnd" - "periodStart")) * 1000`,
};
/** The local day (YYYY-MM-DD) of an entry's charge, at a parameter's minutes east of UTC. */
const LOCAL_DAY = {
  sqlite: (minutes: string) => `date("createdAt", ${minutes} || ' minutes')`,
  postgres: (minutes: string) => `to_char("createdAt" + make_interval(mins => ${minutes}::int), 'YYYY-MM-DD')`,
};

/**
 * Usage (usage and refund entries) per instance, or per instance and local day of the
 * charge, summed in the database (one query): net cents (negative: charged) and net running
 * ms. The filter's fields narrow it; its SQL is fixed text with every value a parameter.
 */
export async function usageSums(f: UsageFilter, groupBy: "day" | "instance", utcOffset = 0): Promise<UsageSum[]> {
  const provider = env().dbProvider;
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return provider === "postgres" ? `$${params.length}` : "?";
  };
  const day = groupBy === "day" ? LOCAL_DAY[provider](p(utcOffset)) : "NULL";
  const ms = `CASE WHEN "periodStart" IS NULL OR "periodEnd" IS NULL THEN 0 WHEN "kind" = 'refund' THEN -(${PERIOD_MS[provider]}) ELSE ${PERIOD_MS[provider]} END`;
  const where = [
    `"kind" IN ('usage', 'refund')`,
    `"instanceId" IS NOT NULL`,
    ...(f.userId ? [`"userId" = ${p(f.userId)}`] : []),
    ...(f.from ? [`"createdAt" >= ${p(f.from)}`] : []),
    ...(f.to ? [`"createdAt" < ${p(f.to)}`] : []),
    ...(f.instanceIds ? [`"instanceId" IN (${f.instanceIds.map(p).join(", ") || "NULL"})`] : []),
  ];
  const sql = `SELECT "instanceId" AS "instanceId", ${day} AS "day", SUM("amountCents") AS "cents", SUM(${ms}) AS "ms"
    FROM "LedgerEntry" WHERE ${where.join(" AND ")} GROUP BY ${groupBy === "day" ? "1, 2" : "1"}`;
  const rows = await db().$queryRawUnsafe<{ instanceId: string; day: string | null; cents: unknown; ms: unknown }[]>(sql, ...params);
  return rows.map((r) => ({ instanceId: r.instanceId, day: r.day, cents: Number(r.cents ?? 0), ms: Math.round(Number(r.ms ?? 0)) }));
}
