import "server-only";
import { db, type Prisma, transaction } from "../db/client";
import { containsText, pageArgs } from "../db/query";

export type AuditRow = Prisma.AuditEventGetPayload<object>;
export type NewAuditRow = Omit<Prisma.AuditEventUncheckedCreateInput, "id" | "createdAt">;

export function insertAuditEvent(data: NewAuditRow): Promise<unknown> {
  return db().auditEvent.create({ data, select: { id: true } });
}

/** Runs `change` and then writes the event `row()` describes (if any), in one transaction. */
export function withAuditEvent<T>(change: () => Promise<T>, row: () => NewAuditRow | null): Promise<T> {
  return transaction(
    async () => {
      const out = await change();
      const data = row();
      if (data) await insertAuditEvent(data);
      return out;
    },
    { maxWait: 30_000, timeout: 30_000 },
  );
}

export type AuditFilter = {
  actorIds?: string[];
  actorName?: string;
  action?: string;
  actionPrefix?: string;
  targetType?: string;
  targetId?: string;
  result?: string;
  requestId?: string;
  from?: Date;
  to?: Date;
  q?: string;
};

function whereOf(f: AuditFilter): Prisma.AuditEventWhereInput {
  const and: Prisma.AuditEventWhereInput[] = [];
  if (f.actorIds) and.push({ actorId: { in: f.actorIds } });
  if (f.actorName) and.push({ actorName: f.actorName });
  if (f.action) and.push({ action: f.action });
  if (f.actionPrefix) and.push({ action: { startsWith: f.actionPrefix } });
  if (f.targetType) and.push({ targetType: f.targetType });
  if (f.targetId) and.push({ targetId: f.targetId });
  if (f.result) and.push({ result: f.result });
  if (f.requestId) and.push({ requestId: f.requestId });
  if (f.from || f.to) and.push({ createdAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } });
  if (f.q) {
    const c = containsText(f.q);
    and.push({ OR: [{ action: c }, { actorName: c }, { targetName: c }, { targetId: c }, { ip: c }, { detail: c }, { reason: c }] });
  }
  return { AND: and };
}

// Newest first; the id breaks ties of one millisecond so pages never repeat or skip a row.
const ORDER: Prisma.AuditEventOrderByWithRelationInput[] = [{ createdAt: "desc" }, { id: "desc" }];

export async function listAuditEvents(f: AuditFilter, page: { page: number; pageSize: number }): Promise<{ rows: AuditRow[]; total: number }> {
  const where = whereOf(f);
  const [rows, total] = await Promise.all([db().auditEvent.findMany({ where, orderBy: ORDER, ...pageArgs(page) }), db().auditEvent.count({ where })]);
  return { rows, total };
}

/** Every matching event, newest first, a page at a time (keyset: later pages cost no more than the first). */
export async function* allAuditEvents(f: AuditFilter, size = 1000): AsyncGenerator<AuditRow[]> {
  let after: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const where: Prisma.AuditEventWhereInput = after
      ? // The plain bound lets the index on createdAt start at the cursor; the OR breaks ties.
        {
          AND: [
            whereOf(f),
            { createdAt: { lte: after.createdAt } },
            { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] },
          ],
        }
      : whereOf(f);
    const rows = await db().auditEvent.findMany({ where, orderBy: ORDER, take: size });
    if (rows.length) yield rows;
    if (rows.length < size) return;
    const last = rows[rows.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
  }
}

export async function userIdsNamed(login: string): Promise<string[]> {
  const rows = await db().user.findMany({ where: { OR: [{ id: login }, { username: login }] }, select: { id: true } });
  return rows.map((r) => r.id);
}

/** Deletes events older than `before`, a batch at a time; the number deleted. */
export async function deleteAuditEventsBefore(before: Date, batch = 5000): Promise<number> {
  let deleted = 0;
  for (;;) {
    const ids = await db().auditEvent.findMany({ where: { createdAt: { lt: before } }, select: { id: true }, take: batch });
    if (!ids.length) return deleted;
    deleted += (await db().auditEvent.deleteMany({ where: { id: { in: ids.map((r) => r.id) } } })).count;
  }
}
