import "server-only";
import { db, type Prisma, type Tx } from "../db/client";
import { containsText, inChunks, pageArgs } from "../db/query";
import type { NodeRow } from "../nodes/nodes.repo";
import type { Held } from "../nodes/capacity";
import type { AllocationRow } from "./placement";

// Prisma access for instances and the allocation rows they hold.

const withRelations = {
  user: { select: { username: true } },
  node: { select: { name: true } },
  allocations: { select: { gpuIndex: true, gpuMemoryGb: true, exclusive: true }, orderBy: { gpuIndex: "asc" } },
} satisfies Prisma.InstanceInclude;

export type InstanceRow = Prisma.InstanceGetPayload<{ include: typeof withRelations }>;
export type InstanceData = Omit<Prisma.InstanceUncheckedCreateInput, "id" | "nodeId" | "memorySplit" | "status">;

/** Statuses of an instance that exists (not deleted). */
export const LIVE = { not: "deleted" } as const;

export type InstanceListQuery = { page: number; pageSize: number; name?: string; status?: string; nodeId?: string; userId?: string };

export async function listInstances(q: InstanceListQuery): Promise<{ items: InstanceRow[]; total: number }> {
  const where: Prisma.InstanceWhereInput = {
    status: q.status ?? LIVE,
    ...(q.name ? { name: containsText(q.name) } : {}),
    ...(q.nodeId ? { nodeId: q.nodeId } : {}),
    ...(q.userId ? { userId: q.userId } : {}),
  };
  const [items, total] = await Promise.all([
    db().instance.findMany({ where, include: withRelations, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageArgs(q) }),
    db().instance.count({ where }),
  ]);
  return { items, total };
}

export function findInstance(id: string): Promise<InstanceRow | null> {
  return db().instance.findUnique({ where: { id }, include: withRelations });
}

export function updateInstance(id: string, data: Prisma.InstanceUncheckedUpdateInput): Promise<InstanceRow> {
  return db().instance.update({ where: { id }, data, include: withRelations });
}

/**
 * The one way an instance's state changes outside placement: an UPDATE guarded by `where`
 * (a compare-and-set on status, lease or updatedAt) and, when `release` is set and the
 * update happened, deleting its allocation rows in the same transaction, so no other
 * operation can take allocations in between and lose them. True if the row changed.
 */
async function guarded(id: string, where: Prisma.InstanceWhereInput, data: Prisma.InstanceUncheckedUpdateManyInput, release = false): Promise<boolean> {
  return db().$transaction(async (tx) => {
    const { count } = await tx.instance.updateMany({ where: { ...where, id }, data });
    if (count > 0 && release) await tx.allocation.deleteMany({ where: { instanceId: id } });
    return count > 0;
  });
}

/** Moves an instance to new values only while its status is one of `from` (the compare-and-set that keeps two actors from both acting). */
export function transition(
  id: string,
  from: readonly string[],
  data: Prisma.InstanceUncheckedUpdateManyInput,
  opts: { release?: boolean } = {},
): Promise<boolean> {
  return guarded(id, { status: { in: [...from] } }, data, opts.release);
}

export type Locked = { node: NodeRow; held: Held[] };

/**
 * Runs `fn` while holding the node's allocation lock: the UPDATE of allocationVersion locks
 * the node row until commit on PostgreSQL, and SQLite runs one transaction at a time. Inside,
 * `held` is every allocation on the node as committed by earlier placements.
 */
export async function withNodeLock<T>(nodeId: string, fn: (tx: Tx, locked: Locked) => Promise<T>): Promise<T> {
  return db().$transaction(
    async (tx) => {
      const node = await tx.node.update({ where: { id: nodeId }, data: { allocationVersion: { increment: 1 } } });
      const held = await tx.allocation.findMany({
        where: { nodeId },
        select: { gpuIndex: true, gpuMemoryGb: true, exclusive: true, cpuCores: true, memoryGb: true },
      });
      return fn(tx, { node, held });
    },
    { maxWait: 30_000, timeout: 30_000 },
  );
}

/** Inserts a new instance (`creating`) with its allocation rows; its volume is named after its id. */
export async function insertInstance(
  tx: Tx,
  data: InstanceData & { nodeId: string; memorySplit: boolean },
  rows: AllocationRow[],
  volumeOf: (id: string) => string,
): Promise<string> {
  const { id } = await tx.instance.create({ data: { ...data, status: "creating" }, select: { id: true } });
  await tx.instance.update({ where: { id }, data: { volumeName: volumeOf(id) }, select: { id: true } });
  await insertAllocations(tx, id, data.nodeId, rows);
  return id;
}

export async function insertAllocations(tx: Tx, instanceId: string, nodeId: string, rows: AllocationRow[]): Promise<void> {
  await tx.allocation.createMany({ data: rows.map((r) => ({ ...r, instanceId, nodeId })) });
}

export async function releaseAllocations(instanceId: string): Promise<void> {
  await db().allocation.deleteMany({ where: { instanceId } });
}

/** Live instances on the given nodes, for the reconciler. */
export function liveOnNodes(nodeIds: string[]): Promise<InstanceRow[]> {
  return db().instance.findMany({ where: { nodeId: { in: nodeIds }, status: LIVE }, include: withRelations });
}

/** Instances being created whose creator's claim has lapsed (its process is gone). */
export function lapsedCreations(now: Date): Promise<InstanceRow[]> {
  return db().instance.findMany({ where: { status: "creating", OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] }, include: withRelations });
}

/** Takes over a lapsed creation; false when another process took it first. */
export function claimLapsed(id: string, owner: string, until: Date, now: Date): Promise<boolean> {
  return guarded(id, { status: "creating", OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] }, { leaseOwner: owner, leaseUntil: until });
}

/** Extends a claim while its operation works. */
export async function renewLease(id: string, owner: string, until: Date): Promise<void> {
  await db().instance.updateMany({ where: { id, leaseOwner: owner }, data: { leaseUntil: until } });
}

/** Names of up to `limit` live instances using an image, spec or node (for 409 messages). */
export async function liveUsers(by: { imageId?: string; specId?: string; nodeId?: string }, limit = 5): Promise<{ names: string[]; total: number }> {
  const where: Prisma.InstanceWhereInput = { ...by, status: LIVE };
  const [rows, total] = await Promise.all([
    db().instance.findMany({ where, select: { name: true }, orderBy: { createdAt: "asc" }, take: limit }),
    db().instance.count({ where }),
  ]);
  return { names: rows.map((r) => r.name), total };
}

/** Claims an instance for one operation: only from `from`, only when no live claim holds it. */
export function claim(id: string, from: readonly string[], owner: string, until: Date, now: Date): Promise<boolean> {
  return guarded(id, { status: { in: [...from] }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] }, { leaseOwner: owner, leaseUntil: until });
}

/** Writes an operation's outcome and releases its claim, only if the claim is still ours (and, given `status`, the row still in it). */
export function settle(
  id: string,
  owner: string,
  data: Prisma.InstanceUncheckedUpdateManyInput,
  opts: { release?: boolean; status?: string } = {},
): Promise<boolean> {
  return guarded(id, { leaseOwner: owner, ...(opts.status ? { status: opts.status } : {}) }, { ...data, leaseOwner: null, leaseUntil: null }, opts.release);
}

/**
 * Applies what the reconciler observed, only if nothing touched the row since it was read
 * (same updatedAt) and no operation holds it.
 */
export function applyObserved(
  row: Pick<InstanceRow, "id" | "updatedAt">,
  data: Prisma.InstanceUncheckedUpdateManyInput,
  now: Date,
  opts: { release?: boolean } = {},
): Promise<boolean> {
  return guarded(row.id, { updatedAt: row.updatedAt, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] }, data, opts.release);
}

/** The status of each of these instance ids that has a row. */
export async function statusesOf(ids: string[]): Promise<Map<string, string>> {
  const rows = await inChunks(ids, (chunk) => db().instance.findMany({ where: { id: { in: chunk } }, select: { id: true, status: true } }));
  return new Map(rows.map((r) => [r.id, r.status]));
}

export function countRunning(): Promise<number> {
  return db().instance.count({ where: { status: "running" } });
}

export function runningOf(userId: string): Promise<InstanceRow[]> {
  return db().instance.findMany({ where: { userId, status: "running" }, include: withRelations });
}

/** Running instances with the GPUs they hold. */
export function listRunning(): Promise<{ id: string; nodeId: string | null; allocations: { gpuIndex: number | null; gpuMemoryGb: number }[] }[]> {
  return db().instance.findMany({
    where: { status: "running" },
    select: { id: true, nodeId: true, allocations: { select: { gpuIndex: true, gpuMemoryGb: true } } },
  });
}
