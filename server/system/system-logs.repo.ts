import "server-only";
import { db, type Prisma } from "../db/client";
import { containsText, pageArgs } from "../db/query";

export type SystemLogRow = Prisma.SystemLogGetPayload<object>;
export type NewSystemLog = { createdAt: Date; level: string; message: string; context: string };

export async function insertSystemLogs(rows: NewSystemLog[]): Promise<void> {
  await db().systemLog.createMany({ data: rows });
}

export type SystemLogFilter = { levels?: string[]; from?: Date; to?: Date; q?: string };

function whereOf(f: SystemLogFilter): Prisma.SystemLogWhereInput {
  const and: Prisma.SystemLogWhereInput[] = [];
  if (f.levels) and.push({ level: { in: f.levels } });
  if (f.from || f.to) and.push({ createdAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } });
  if (f.q) and.push({ OR: [{ message: containsText(f.q) }, { context: containsText(f.q) }] });
  return { AND: and };
}

const ORDER: Prisma.SystemLogOrderByWithRelationInput[] = [{ createdAt: "desc" }, { id: "desc" }];

export async function listSystemLogs(f: SystemLogFilter, page: { page: number; pageSize: number }) {
  const where = whereOf(f);
  const [rows, total] = await Promise.all([db().systemLog.findMany({ where, orderBy: ORDER, ...pageArgs(page) }), db().systemLog.count({ where })]);
  return { rows, total };
}

/** Every line of a time range, oldest first, a page at a time. */
export async function* systemLogsBetween(from: Date, to: Date, size = 1000): AsyncGenerator<SystemLogRow[]> {
  let after: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const rows: SystemLogRow[] = await db().systemLog.findMany({
      where: {
        createdAt: { gte: after?.createdAt ?? from, lt: to },
        ...(after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: size,
    });
    if (rows.length) yield rows;
    if (rows.length < size) return;
    const last = rows[rows.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
  }
}

export async function deleteSystemLogsBefore(before: Date, batch = 5000): Promise<number> {
  let deleted = 0;
  for (;;) {
    const ids = await db().systemLog.findMany({ where: { createdAt: { lt: before } }, select: { id: true }, take: batch });
    if (!ids.length) return deleted;
    deleted += (await db().systemLog.deleteMany({ where: { id: { in: ids.map((r) => r.id) } } })).count;
  }
}
