import "server-only";
import { db, type Prisma, transaction } from "../db/client";
import { pageArgs } from "../db/query";
import { CONTENDED, post } from "./ledger.repo";

// Recharge codes' storage: batches, codes (hashes only), redemptions, and a redemption's
// transaction (a use taken by compare-and-set, the ledger entry, the record).

export type BatchRow = Prisma.RechargeBatchGetPayload<object>;
export type CodeRow = Prisma.RechargeCodeGetPayload<{ include: { batch: true } }>;

export async function createBatch(data: Omit<Prisma.RechargeBatchUncheckedCreateInput, "id">, codes: { codeHash: string; hint: string }[]): Promise<BatchRow> {
  return transaction(async (tx) => {
    const b = await tx.rechargeBatch.create({ data });
    await tx.rechargeCode.createMany({ data: codes.map((c) => ({ ...c, batchId: b.id })) });
    return b;
  });
}

/** Usage per batch, counted in the database: codes with a use, and uses (each one a redemption of the batch's amount); who made each batch. */
export async function usageOf(batches: BatchRow[]) {
  const ids = batches.map((r) => r.id);
  const [used, uses, creators] = await Promise.all([
    db().rechargeCode.groupBy({ by: ["batchId"], where: { batchId: { in: ids }, uses: { gt: 0 } }, _count: { _all: true } }),
    db().rechargeCode.groupBy({ by: ["batchId"], where: { batchId: { in: ids } }, _sum: { uses: true } }),
    db().user.findMany({ where: { id: { in: [...new Set(batches.map((r) => r.createdById))] } }, select: { id: true, username: true } }),
  ]);
  return {
    usedCodes: new Map(used.map((u) => [u.batchId, u._count._all])),
    uses: new Map(uses.map((u) => [u.batchId, u._sum.uses ?? 0])),
    creators: new Map(creators.map((c) => [c.id, c.username])),
  };
}

export async function listBatches(q: { page: number; pageSize: number }) {
  const [rows, total] = await Promise.all([
    db().rechargeBatch.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageArgs(q) }),
    db().rechargeBatch.count(),
  ]);
  return { rows, total };
}

export const findBatch = (id: string) => db().rechargeBatch.findUnique({ where: { id } });
export const findCode = (id: string): Promise<CodeRow | null> => db().rechargeCode.findUnique({ where: { id }, include: { batch: true } });
export const findCodeByHash = (codeHash: string): Promise<CodeRow | null> => db().rechargeCode.findUnique({ where: { codeHash }, include: { batch: true } });
export const hasRedeemed = async (codeId: string, userId: string) =>
  (await db().rechargeRedemption.findUnique({ where: { codeId_userId: { codeId, userId } }, select: { id: true } })) !== null;

export async function listCodes(where: Prisma.RechargeCodeWhereInput, q: { page: number; pageSize: number }) {
  const [rows, total] = await Promise.all([
    db().rechargeCode.findMany({ where, include: { batch: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], ...pageArgs(q) }),
    db().rechargeCode.count({ where }),
  ]);
  return { rows, total };
}

/** Disables a batch or a code if it is not yet; true when this call did it. */
export async function disableBatch(id: string): Promise<boolean> {
  return (await db().rechargeBatch.updateMany({ where: { id, disabledAt: null }, data: { disabledAt: new Date() } })).count > 0;
}
export async function disableCode(id: string): Promise<boolean> {
  return (await db().rechargeCode.updateMany({ where: { id, disabledAt: null }, data: { disabledAt: new Date() } })).count > 0;
}

/**
 * Redeems: takes one use only while one is left and the code and its batch are enabled and
 * unexpired (compare-and-set; null when it could not), credits the user through the ledger
 * and records the redemption, in one transaction. A second redemption of the same code by
 * the same user fails on the unique (code, user) record.
 */
export async function redeem(code: CodeRow, userId: string, now: Date) {
  return transaction(async (tx) => {
    const taken = await tx.rechargeCode.updateMany({
      where: {
        id: code.id,
        disabledAt: null,
        uses: { lt: code.batch.maxUses },
        batch: { is: { disabledAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] } },
      },
      data: { uses: { increment: 1 } },
    });
    if (taken.count === 0) return null;
    const entry = await post(tx, {
      userId,
      kind: "recharge",
      amountCents: code.batch.amountCents,
      idempotencyKey: `recharge:${code.id}:${userId}`,
      note: `Recharge code …${code.hint} (${code.batch.description})`,
    });
    const record = await tx.rechargeRedemption.create({ data: { codeId: code.id, userId, amountCents: code.batch.amountCents, ledgerEntryId: entry.id } });
    return { amountCents: code.batch.amountCents, balanceCents: entry.balanceAfterCents, recordId: record.id };
  }, CONTENDED);
}

/**
 * Who redeemed some codes, newest first, at most `per` a code, read from the newest
 * codes × `per` redemptions (one-use codes: each one's redeemer), with the users' names.
 */
export async function redeemersOf(codeIds: string[], per = 5): Promise<Map<string, { username: string; at: Date }[]>> {
  if (!codeIds.length) return new Map();
  const rows = await db().rechargeRedemption.findMany({
    where: { codeId: { in: codeIds } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { codeId: true, userId: true, createdAt: true },
    take: codeIds.length * per,
  });
  const users = await db().user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.userId))] } }, select: { id: true, username: true } });
  const names = new Map(users.map((u) => [u.id, u.username]));
  const out = new Map<string, { username: string; at: Date }[]>();
  for (const r of rows) {
    const list = out.get(r.codeId) ?? [];
    if (list.length < per) list.push({ username: names.get(r.userId) ?? "—", at: r.createdAt });
    out.set(r.codeId, list);
  }
  return out;
}

export async function recordsOf(userId: string, q: { page: number; pageSize: number }) {
  const where = { userId };
  const [rows, total] = await Promise.all([
    db().rechargeRedemption.findMany({
      where,
      include: { code: { select: { hint: true, batch: { select: { description: true } } } } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      ...pageArgs(q),
    }),
    db().rechargeRedemption.count({ where }),
  ]);
  return { rows, total };
}
