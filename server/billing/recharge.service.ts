import "server-only";
import type { TCreateCodesRequest, TRechargeBatch, TRechargeCode, TRechargeRecord } from "@/lib/contracts/billing";
import type { Principal } from "../auth/principal";
import { audit } from "../audit/audit.service";
import { db, type Prisma } from "../db/client";
import { pageArgs } from "../db/query";
import { AppError, isUniqueViolation, notFound } from "../http/errors";
import { assertNotBlocked, recordFailure } from "../http/rate-limit";
import { generateCode, hashCode, hintOf, normalizeCode } from "./codes";
import * as ledger from "./ledger.repo";

// Recharge codes: administrators generate batches (the codes are shown once, stored only
// hashed), see their usage and disable codes or batches; users redeem a code into their
// balance. A redemption takes one use with a compare-and-set and writes the ledger entry
// in the same transaction, so a one-use code redeemed many times at once succeeds once.
// Failed attempts count per user; too many lock redeeming for a while.

type BatchRow = Prisma.RechargeBatchGetPayload<object>;

async function batchDtos(rows: BatchRow[]): Promise<TRechargeBatch[]> {
  const ids = rows.map((r) => r.id);
  const [used, redemptions, creators] = await Promise.all([
    db().rechargeCode.groupBy({ by: ["batchId"], where: { batchId: { in: ids }, uses: { gt: 0 } }, _count: { _all: true } }),
    db().rechargeRedemption.findMany({ where: { code: { batchId: { in: ids } } }, select: { amountCents: true, code: { select: { batchId: true } } } }),
    db().user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.createdById))] } }, select: { id: true, username: true } }),
  ]);
  const usedOf = new Map(used.map((u) => [u.batchId, u._count._all]));
  const names = new Map(creators.map((c) => [c.id, c.username]));
  return rows.map((r) => {
    const mine = redemptions.filter((x) => x.code.batchId === r.id);
    return {
      id: r.id,
      amountCents: r.amountCents,
      count: r.count,
      maxUses: r.maxUses,
      expiresAt: r.expiresAt?.toISOString() ?? null,
      description: r.description,
      createdBy: names.get(r.createdById) ?? null,
      disabledAt: r.disabledAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
      usedCodes: usedOf.get(r.id) ?? 0,
      redemptions: mine.length,
      redeemedCents: mine.reduce((s, x) => s + x.amountCents, 0),
    };
  });
}

type CodeRow = Prisma.RechargeCodeGetPayload<{ include: { batch: true } }>;

function codeStatus(c: CodeRow, now = new Date()): TRechargeCode["status"] {
  if (c.disabledAt || c.batch.disabledAt) return "disabled";
  if (c.uses >= c.batch.maxUses) return "used_up";
  if (c.batch.expiresAt && c.batch.expiresAt <= now) return "expired";
  return "active";
}

const codeDto = (c: CodeRow): TRechargeCode => ({
  id: c.id,
  batchId: c.batchId,
  hint: c.hint,
  uses: c.uses,
  maxUses: c.batch.maxUses,
  status: codeStatus(c),
  disabledAt: (c.disabledAt ?? c.batch.disabledAt)?.toISOString() ?? null,
  createdAt: c.createdAt.toISOString(),
});

export async function createCodes(p: Principal, input: TCreateCodesRequest & { maxUses: number }, ip: string) {
  const codes = new Set<string>();
  while (codes.size < input.count) codes.add(generateCode());
  const batch = await db().$transaction(async (tx) => {
    const b = await tx.rechargeBatch.create({
      data: { amountCents: input.amountCents, count: input.count, maxUses: input.maxUses, expiresAt: input.expiresAt ? new Date(input.expiresAt) : null, description: input.description, createdById: p.userId },
    });
    await tx.rechargeCode.createMany({
      data: [...codes].map((c) => {
        const normalized = normalizeCode(c)!;
        return { batchId: b.id, codeHash: hashCode(normalized), hint: hintOf(normalized) };
      }),
    });
    return b;
  });
  // The audit records the batch, never the codes.
  await audit({ actorId: p.userId, action: "recharge.generate", target: { type: "recharge_batch", id: batch.id }, detail: { count: input.count, amountCents: input.amountCents, maxUses: input.maxUses }, ip });
  return { batch: (await batchDtos([batch]))[0]!, codes: [...codes] };
}

export async function listBatches(q: { page: number; pageSize: number }) {
  const [rows, total] = await Promise.all([db().rechargeBatch.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageArgs(q) }), db().rechargeBatch.count()]);
  return { items: await batchDtos(rows), total, page: q.page, pageSize: q.pageSize };
}

/** The where-clause of a code status (the same rules as codeStatus). */
function statusWhere(status: TRechargeCode["status"] | undefined, batch: BatchRow, now = new Date()): Prisma.RechargeCodeWhereInput {
  if (!status) return {};
  const batchDisabled = batch.disabledAt !== null;
  const expired = batch.expiresAt !== null && batch.expiresAt <= now;
  const none = { id: "" };
  switch (status) {
    case "disabled":
      return batchDisabled ? {} : { disabledAt: { not: null } };
    case "used_up":
      return batchDisabled ? none : { disabledAt: null, uses: { gte: batch.maxUses } };
    case "expired":
      return batchDisabled || !expired ? none : { disabledAt: null, uses: { lt: batch.maxUses } };
    case "active":
      return batchDisabled || expired ? none : { disabledAt: null, uses: { lt: batch.maxUses } };
  }
}

export async function listCodes(batchId: string, q: { page: number; pageSize: number; status?: TRechargeCode["status"] }) {
  const batch = await db().rechargeBatch.findUnique({ where: { id: batchId } });
  if (!batch) throw notFound("Batch");
  const where = { batchId, ...statusWhere(q.status, batch) };
  const [rows, total] = await Promise.all([
    db().rechargeCode.findMany({ where, include: { batch: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], ...pageArgs(q) }),
    db().rechargeCode.count({ where }),
  ]);
  return { items: rows.map(codeDto), total, page: q.page, pageSize: q.pageSize };
}

export async function disableBatch(p: Principal, id: string, ip: string) {
  const batch = await db().rechargeBatch.findUnique({ where: { id } });
  if (!batch) throw notFound("Batch");
  if (!batch.disabledAt) {
    await db().rechargeBatch.updateMany({ where: { id, disabledAt: null }, data: { disabledAt: new Date() } });
    await audit({ actorId: p.userId, action: "recharge.disable_batch", target: { type: "recharge_batch", id }, ip });
  }
  return (await batchDtos([(await db().rechargeBatch.findUnique({ where: { id } }))!]))[0]!;
}

export async function disableCode(p: Principal, id: string, ip: string) {
  const code = await db().rechargeCode.findUnique({ where: { id } });
  if (!code) throw notFound("Code");
  if (!code.disabledAt) {
    await db().rechargeCode.updateMany({ where: { id, disabledAt: null }, data: { disabledAt: new Date() } });
    await audit({ actorId: p.userId, action: "recharge.disable_code", target: { type: "recharge_code", id }, ip });
  }
  return codeDto((await db().rechargeCode.findUnique({ where: { id }, include: { batch: true } }))!);
}

const fmtTime = (d: Date) => d.toISOString().replace("T", " ").slice(0, 16) + " UTC";

/** Why a code cannot be redeemed now, or null. */
function refusal(code: CodeRow | null, now: Date): AppError | null {
  if (!code) return new AppError("RECHARGE_CODE_UNKNOWN", "There is no such recharge code; check it and try again");
  if (code.disabledAt || code.batch.disabledAt) return new AppError("RECHARGE_CODE_DISABLED", "This recharge code has been disabled");
  if (code.batch.expiresAt && code.batch.expiresAt <= now) return new AppError("RECHARGE_CODE_EXPIRED", `This recharge code expired on ${fmtTime(code.batch.expiresAt)}`);
  if (code.uses >= code.batch.maxUses) return new AppError("RECHARGE_CODE_USED_UP", "This recharge code has been used up");
  return null;
}

export async function redeem(p: Principal, input: { code: string }, ip: string) {
  await assertNotBlocked("redeem-user", p.userId, "REDEEM_LOCKED", "Too many wrong recharge codes");
  const now = new Date();
  const normalized = normalizeCode(input.code);
  const code = normalized ? await db().rechargeCode.findUnique({ where: { codeHash: hashCode(normalized) }, include: { batch: true } }) : null;
  try {
    const refused = refusal(code, now);
    if (refused) throw refused;
    const c = code!;
    const out = await db().$transaction(async (tx) => {
      // Compare-and-set: a use is taken only while one is left and the code is enabled.
      const taken = await tx.rechargeCode.updateMany({ where: { id: c.id, disabledAt: null, uses: { lt: c.batch.maxUses } }, data: { uses: { increment: 1 } } });
      if (taken.count === 0) throw new AppError("RECHARGE_CODE_USED_UP", "This recharge code has been used up");
      const entry = await ledger.post(tx, { userId: p.userId, kind: "recharge", amountCents: c.batch.amountCents, idempotencyKey: `recharge:${c.id}:${p.userId}`, note: `Recharge code …${c.hint} (${c.batch.description})` });
      const record = await tx.rechargeRedemption.create({ data: { codeId: c.id, userId: p.userId, amountCents: c.batch.amountCents, ledgerEntryId: entry.id } });
      return { amountCents: c.batch.amountCents, balanceCents: entry.balanceAfterCents, recordId: record.id };
    }, ledger.CONTENDED);
    await audit({ actorId: p.userId, action: "recharge.redeem", target: { type: "recharge_code", id: c.id }, detail: { amountCents: out.amountCents }, ip });
    return out;
  } catch (err) {
    const e = isUniqueViolation(err) ? new AppError("RECHARGE_CODE_REDEEMED", "You have already redeemed this recharge code") : err;
    if (e instanceof AppError && e.code.startsWith("RECHARGE_CODE_")) await recordFailure("redeem-user", p.userId);
    throw e;
  }
}

export async function records(p: Principal, q: { page: number; pageSize: number }) {
  const where = { userId: p.userId };
  const [rows, total] = await Promise.all([
    db().rechargeRedemption.findMany({ where, include: { code: { select: { hint: true, batch: { select: { description: true } } } } }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageArgs(q) }),
    db().rechargeRedemption.count({ where }),
  ]);
  const items: TRechargeRecord[] = rows.map((r) => ({ id: r.id, amountCents: r.amountCents, codeHint: r.code.hint, description: r.code.batch.description, createdAt: r.createdAt.toISOString() }));
  return { items, total, page: q.page, pageSize: q.pageSize };
}
