import "server-only";
import type { TImageApp } from "@/lib/contracts/images";
import { appList } from "../apps/apps";
import { db, type Prisma } from "../db/client";
import { containsText, pageArgs } from "../db/query";

/** An image with its apps read from their JSON column. */
export type ImageRow = Omit<Prisma.ImageGetPayload<object>, "apps"> & { apps: TImageApp[] };
type ImageData = Omit<Prisma.ImageCreateInput, "apps"> & { apps?: TImageApp[] };

function toRow(row: Prisma.ImageGetPayload<object>): ImageRow {
  return { ...row, apps: appList<TImageApp>(row.apps) };
}

function toData<T extends { apps?: TImageApp[] | undefined }>(data: T): Omit<T, "apps"> & { apps?: string } {
  const { apps, ...rest } = data;
  return apps === undefined ? rest : { ...rest, apps: JSON.stringify(apps) };
}
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
  return { items: items.map(toRow), total };
}

export async function findImage(id: string): Promise<ImageRow | null> {
  const row = await db().image.findUnique({ where: { id } });
  return row && toRow(row);
}

/** Images whose name contains `name`, ignoring case (for the uniqueness check). */
export function imagesNamedLike(name: string): Promise<{ id: string; name: string }[]> {
  return db().image.findMany({ where: { name: containsText(name.trim()) }, select: { id: true, name: true } });
}

export async function createImage(data: ImageData): Promise<ImageRow> {
  return toRow(await db().image.create({ data: toData(data) }));
}

export async function updateImage(id: string, data: Omit<Prisma.ImageUpdateInput, "apps"> & { apps?: TImageApp[] }): Promise<ImageRow> {
  return toRow(await db().image.update({ where: { id }, data: toData(data) }));
}

export async function deleteImage(id: string): Promise<void> {
  await db().image.delete({ where: { id }, select: { id: true } });
}

export type PullState = { nodeId: string; address: string; lastPullOk: boolean; lastPullMessage: string | null; lastPullAt: Date };

/** The last pull outcome of the image on each node (of `nodeIds`, or all). */
export function pullStates(imageId: string, nodeIds?: string[]): Promise<PullState[]> {
  return db().imageNodeState.findMany({
    where: { imageId, ...(nodeIds ? { nodeId: { in: nodeIds } } : {}) },
    select: { nodeId: true, address: true, lastPullOk: true, lastPullMessage: true, lastPullAt: true },
  });
}

export async function savePullState(imageId: string, nodeId: string, s: Omit<PullState, "nodeId">): Promise<void> {
  await db().imageNodeState.upsert({
    where: { imageId_nodeId: { imageId, nodeId } },
    create: { imageId, nodeId, ...s },
    update: s,
    select: { imageId: true },
  });
}

/** Forgets every pull outcome of the image (its address changed: they were about another image). */
export async function clearPullStates(imageId: string): Promise<void> {
  await db().imageNodeState.deleteMany({ where: { imageId } });
}
