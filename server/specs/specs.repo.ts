import "server-only";
import { db, type Prisma } from "../db/client";
import { containsText, pageArgs } from "../db/query";

export type SpecRow = Prisma.SpecGetPayload<object>;
export type SpecListQuery = { page: number; pageSize: number; name?: string; gpuModel?: string; isListed?: boolean };

export async function listSpecs(q: SpecListQuery): Promise<{ items: SpecRow[]; total: number }> {
  const where: Prisma.SpecWhereInput = {
    ...(q.name ? { name: containsText(q.name) } : {}),
    ...(q.gpuModel ? { gpuModel: containsText(q.gpuModel) } : {}),
    ...(q.isListed !== undefined ? { isListed: q.isListed } : {}),
  };
  const [items, total] = await Promise.all([
    db().spec.findMany({ where, orderBy: [{ pricePerHourCents: "asc" }, { id: "asc" }], ...pageArgs(q) }),
    db().spec.count({ where }),
  ]);
  return { items, total };
}

export function findSpec(id: string): Promise<SpecRow | null> {
  return db().spec.findUnique({ where: { id } });
}

/** Specs whose name contains `name`, ignoring case (for the uniqueness check). */
export function specsNamedLike(name: string): Promise<{ id: string; name: string }[]> {
  return db().spec.findMany({ where: { name: containsText(name.trim()) }, select: { id: true, name: true } });
}

export function createSpec(data: Prisma.SpecCreateInput): Promise<SpecRow> {
  return db().spec.create({ data });
}

export function updateSpec(id: string, data: Prisma.SpecUpdateInput): Promise<SpecRow> {
  return db().spec.update({ where: { id }, data });
}

export async function deleteSpec(id: string): Promise<void> {
  await db().spec.delete({ where: { id }, select: { id: true } });
}
