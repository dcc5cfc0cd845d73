import "server-only";
import { db, type Prisma } from "../db/client";
import { containsText, pageArgs } from "../db/query";

export type ImageRow = Prisma.ImageGetPayload<object>;
export type ImageListQuery = { page: number; pageSize: number; name?: string; isListed?: boolean };

export async function listImages(q: ImageListQuery): Promise<{ items: ImageRow[]; total: number }> {
  const where: Prisma.ImageWhereInput = {
    ...(q.name ? { name: containsText(q.name) } : {}),
    ...(q.isListed !== undefined ? { isListed: q.isListed } : {}),
  };
  const [items, total] = await Promise.all([
    db().image.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageArgs(q) }),
    db().image.count({ where }),
  ]);
  return { items, total };
}

export function findImage(id: string): Promise<ImageRow | null> {
  return db().image.findUnique({ where: { id } });
}

export function createImage(data: Prisma.ImageCreateInput): Promise<ImageRow> {
  return db().image.create({ data });
}

export function updateImage(id: string, data: Prisma.ImageUpdateInput): Promise<ImageRow> {
  return db().image.update({ where: { id }, data });
}

export async function deleteImage(id: string): Promise<void> {
  await db().image.delete({ where: { id }, select: { id: true } });
}
