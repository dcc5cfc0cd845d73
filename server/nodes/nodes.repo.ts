import "server-only";
import { type StatusReason, statusFields } from "@/lib/i18n/message-ref";
import { db, type Prisma, transaction } from "../db/client";
import { containsText, pageArgs } from "../db/query";
import type { Held } from "./capacity";

// Prisma access for nodes, their status history and the allocations on them. Rows carry
// ciphertext (*Enc); nodes.service turns them into DTOs without it.

/** Nodes whose name contains `name`, ignoring case (for the uniqueness check). */
export function nodesNamedLike(name: string): Promise<{ id: string; name: string }[]> {
  return db().node.findMany({ where: { name: containsText(name.trim()) }, select: { id: true, name: true } });
}

export type NodeRow = Prisma.NodeGetPayload<object>;

export type NodeListQuery = { page: number; pageSize: number; name?: string; status?: string; isListed?: boolean };

export async function listNodes(q: NodeListQuery): Promise<{ items: NodeRow[]; total: number }> {
  const where: Prisma.NodeWhereInput = {
    ...(q.name ? { name: containsText(q.name) } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.isListed !== undefined ? { isListed: q.isListed } : {}),
  };
  const [items, total] = await Promise.all([
    db().node.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageArgs(q) }),
    db().node.count({ where }),
  ]);
  return { items, total };
}

export function allNodes(where: Prisma.NodeWhereInput = {}): Promise<NodeRow[]> {
  return db().node.findMany({ where, orderBy: { name: "asc" } });
}

export function findNode(id: string): Promise<NodeRow | null> {
  return db().node.findUnique({ where: { id } });
}

export function createNode(data: Prisma.NodeUncheckedCreateInput): Promise<NodeRow> {
  return db().node.create({ data });
}

export function updateNode(id: string, data: Prisma.NodeUncheckedUpdateInput): Promise<NodeRow> {
  return db().node.update({ where: { id }, data });
}

export async function deleteNode(id: string): Promise<void> {
  await db().node.delete({ where: { id }, select: { id: true } });
}

/** Allocation rows per node id, for the given nodes (all when omitted). */
export async function heldByNode(nodeIds?: string[]): Promise<Map<string, Held[]>> {
  const rows = await db().allocation.findMany({
    where: nodeIds ? { nodeId: { in: nodeIds } } : {},
    select: { nodeId: true, gpuIndex: true, gpuMemoryGb: true, exclusive: true, cpuCores: true, memoryGb: true },
  });
  const map = new Map<string, Held[]>();
  for (const { nodeId, ...held } of rows) map.set(nodeId, [...(map.get(nodeId) ?? []), held]);
  return map;
}

/**
 * Records a health observation. The status change and its history row are written only by
 * the caller whose update actually changed the status, so two console processes checking
 * the same node record one event, not two.
 */
export async function recordStatus(
  id: string,
  status: "online" | "offline",
  reason: StatusReason | null,
  extra: Prisma.NodeUncheckedUpdateInput = {},
): Promise<boolean> {
  const now = new Date();
  const seen = status === "online" ? { lastSeenAt: now } : {};
  const fields = statusFields(reason);
  const message = fields.statusMessage;
  return transaction(async (tx) => {
    const changed = await tx.node.updateMany({
      where: { id, status: { not: status } },
      data: { status, ...fields, lastCheckedAt: now, ...seen, ...(extra as Prisma.NodeUncheckedUpdateManyInput) },
    });
    if (changed.count > 0) {
      await tx.nodeStatusEvent.create({ data: { nodeId: id, status, message }, select: { id: true } });
      return true;
    }
    await tx.node.updateMany({
      where: { id },
      data: { ...fields, lastCheckedAt: now, ...seen, ...(extra as Prisma.NodeUncheckedUpdateManyInput) },
    });
    return false;
  });
}

/** The status history of a node or a Slurm cluster (one table for both), newest first. */
export async function listStatusEvents(of: { nodeId: string } | { clusterId: string }, q: { page: number; pageSize: number }) {
  const where = of;
  const [items, total] = await Promise.all([
    db().nodeStatusEvent.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: { id: true, status: true, message: true, createdAt: true },
      ...pageArgs(q),
    }),
    db().nodeStatusEvent.count({ where }),
  ]);
  return { items, total };
}

export async function setGpuTelemetryProblem(id: string, problem: string | null): Promise<void> {
  await db().node.updateMany({ where: { id }, data: { gpuTelemetryProblem: problem, lastGpuPollAt: new Date() } });
}
