import "server-only";
import type { TCreateCodesRequest, TRechargeBatch, TRechargeCode, TRechargeRecord } from "@/lib/contracts/billing";
import type { Principal } from "../auth/principal";
import { audited, auditNote } from "../audit/audit.service";
import type { Prisma } from "../db/client";
import { AppError, isUniqueViolation, notFound, ref } from "../http/errors";
import { consumeOrThrow, refundPoint } from "../http/rate-limit";
import { generateCode, hashCode, hintOf, normalizeCode } from "./codes";
import * as repo from "./recharge.repo";

// Recharge codes: administrators generate batches (the codes are shown once, stored only
// hashed), see their usage and disable codes or batches; users redeem a code into their
// balance. A redemption takes one use with a compare-and-set and writes the ledger entry
// in the same transaction, so a one-use code redeemed many times at once succeeds once.
// Failed attempts count per user; too many lock redeeming for a while.

async function batchDtos(rows: repo.BatchRow[]): Promise<TRechargeBatch[]> {
  const usage = await repo.usageOf(rows);
  return rows.map((r) => {
    const redemptions = usage.uses.get(r.id) ?? 0;
    return {
      id: r.id,
      amountCents: r.amountCents,
      count: r.count,
      maxUses: r.maxUses,
      expiresAt: r.expiresAt?.toISOString() ?? null,
      description: r.description,
      createdBy: usage.creators.get(r.createdById) ?? null,
      disabledAt: r.disabledAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
      usedCodes: usage.usedCodes.get(r.id) ?? 0,
      redemptions,
      redeemedCents: redemptions * r.amountCents,
    };
  });
}

type CodeRow = repo.CodeRow;

function codeStatus(c: CodeRow, now = new Date()): TRechargeCode["status"] {
  if (c.disabledAt || c.batch.disabledAt) return "disabled";
  if (c.uses >= c.batch.maxUses) return "used_up";
  if (c.batch.expiresAt && c.batch.expiresAt <= now) return "expired";
  return "active";
}

const codeDto = (c: CodeRow, redeemedBy: { username: string; at: Date }[] = []): TRechargeCode => ({
  redeemedBy: redeemedBy.map((r) => ({ username: r.username, at: r.at.toISOString() })),
  id: c.id,
  batchId: c.batchId,
  hint: c.hint,
  uses: c.uses,
  maxUses: c.batch.maxUses,
  status: codeStatus(c),
  disabledAt: (c.disabledAt ?? c.batch.disabledAt)?.toISOString() ?? null,
  createdAt: c.createdAt.toISOString(),
});

export async function createCodes(p: Principal, input: TCreateCodesRequest & { maxUses: number }) {
  const codes = new Set<string>();
  while (codes.size < input.count) codes.add(generateCode());
  // The audit records the batch, never the codes.
  auditNote({
    detail: { count: input.count, amountCents: input.amountCents, maxUses: input.maxUses, expiresAt: input.expiresAt, description: input.description },
  });
  const batch = await audited(async () => {
    const row = await repo.createBatch(
      {
        amountCents: input.amountCents,
        count: input.count,
        maxUses: input.maxUses,
        expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
        description: input.description,
        createdById: p.userId,
      },
      [...codes].map((c) => {
        const normalized = normalizeCode(c)!;
        return { codeHash: hashCode(normalized), hint: hintOf(normalized) };
      }),
    );
    auditNote({ target: { type: "recharge_batch", id: row.id, name: row.description } });
    return row;
  });
  return { batch: (await batchDtos([batch]))[0]!, codes: [...codes] };
}

export async function listBatches(q: { page: number; pageSize: number }) {
  const { rows, total } = await repo.listBatches(q);
  return { items: await batchDtos(rows), total, page: q.page, pageSize: q.pageSize };
}

/** The where-clause of a code status (the same rules as codeStatus). */
function statusWhere(status: TRechargeCode["status"] | undefined, batch: repo.BatchRow, now = new Date()): Prisma.RechargeCodeWhereInput {
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
  const batch = await repo.findBatch(batchId);
  if (!batch) throw notFound("Batch");
  const { rows, total } = await repo.listCodes({ batchId, ...statusWhere(q.status, batch) }, q);
  const redeemers = await repo.redeemersOf(rows.flatMap((r) => (r.uses > 0 ? [r.id] : [])));
  return { items: rows.map((r) => codeDto(r, redeemers.get(r.id))), total, page: q.page, pageSize: q.pageSize };
}

export async function disableBatch(id: string) {
  const batch = await repo.findBatch(id);
  if (!batch) throw notFound("Batch");
  auditNote({ target: { type: "recharge_batch", id, name: batch.description } });
  await audited(() => repo.disableBatch(id));
  return (await batchDtos([(await repo.findBatch(id))!]))[0]!;
}

export async function disableCode(id: string) {
  const code = await repo.findCode(id);
  if (!code) throw notFound("Code");
  auditNote({ target: { type: "recharge_code", id, name: code.hint } });
  await audited(() => repo.disableCode(id));
  return codeDto((await repo.findCode(id))!, (await repo.redeemersOf([id])).get(id));
}

const fmtTime = (d: Date) => `${d.toISOString().replace("T", " ").slice(0, 16)} UTC`;

/** Why a code cannot be redeemed now, or null. */
function refusal(code: CodeRow | null, now: Date): AppError | null {
  if (!code) return new AppError("RECHARGE_CODE_UNKNOWN", ref("serverMessages.recharge.unknown"));
  if (code.disabledAt || code.batch.disabledAt) return new AppError("RECHARGE_CODE_DISABLED", ref("serverMessages.recharge.disabled"));
  if (code.batch.expiresAt && code.batch.expiresAt <= now)
    return new AppError("RECHARGE_CODE_EXPIRED", ref("serverMessages.recharge.expired", { date: fmtTime(code.batch.expiresAt) }));
  if (code.uses >= code.batch.maxUses) return new AppError("RECHARGE_CODE_USED_UP", ref("serverMessages.recharge.usedUp"));
  return null;
}

const alreadyRedeemed = () => new AppError("RECHARGE_CODE_REDEEMED", ref("serverMessages.recharge.redeemed"));

export async function redeem(p: Principal, input: { code: string }) {
  // Every attempt takes a point first (so a burst cannot slip past the lock); a right code gives it back.
  await consumeOrThrow("redeem-user", p.userId, "REDEEM_LOCKED", "Too many wrong recharge codes");
  const now = new Date();
  const normalized = normalizeCode(input.code);
  const code = normalized ? await repo.findCodeByHash(hashCode(normalized)) : null;
  // One's own earlier redemption explains the refusal better than the state it left the code in
  // (a one-use code redeemed by oneself is "used up" only because of that redemption).
  if (code && (await repo.hasRedeemed(code.id, p.userId))) {
    await refundPoint("redeem-user", p.userId);
    throw alreadyRedeemed();
  }
  try {
    const refused = refusal(code, now);
    if (refused) throw refused;
    const c = code!;
    auditNote({ target: { type: "recharge_code", id: c.id, name: c.hint } });
    const out = await audited(async () => {
      const made = await repo.redeem(c, p.userId, now);
      // No use could be taken: the code changed meanwhile (used up, disabled, expired), or this
      // user's own concurrent request took it.
      if (!made) {
        if (await repo.hasRedeemed(c.id, p.userId)) throw alreadyRedeemed();
        throw refusal(await repo.findCode(c.id), new Date()) ?? new AppError("RECHARGE_CODE_USED_UP", ref("serverMessages.recharge.usedUp"));
      }
      auditNote({ detail: { amountCents: made.amountCents } });
      return made;
    });
    await refundPoint("redeem-user", p.userId);
    return out;
  } catch (err) {
    throw isUniqueViolation(err) ? alreadyRedeemed() : err;
  }
}

export async function records(p: Principal, q: { page: number; pageSize: number }) {
  const { rows, total } = await repo.recordsOf(p.userId, q);
  const items: TRechargeRecord[] = rows.map((r) => ({
    id: r.id,
    amountCents: r.amountCents,
    codeHint: r.code.hint,
    description: r.code.batch.description,
    createdAt: r.createdAt.toISOString(),
  }));
  return { items, total, page: q.page, pageSize: q.pageSize };
}
