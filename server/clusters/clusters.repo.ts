import "server-only";
import { type StatusReason, statusFields } from "@/lib/i18n/message-ref";
import { db, type Prisma, transaction } from "../db/client";
import { containsText, pageArgs } from "../db/query";

// Prisma access for Slurm clusters, their status history (the nodes' history table, by
// clusterId) and user-name mappings. Rows carry ciphertext (*Enc); the service answers DTOs.

export type ClusterRow = Prisma.SlurmClusterGetPayload<object>;

export function clustersNamedLike(name: string): Promise<{ id: string; name: string }[]> {
  return db().slurmCluster.findMany({ where: { name: containsText(name.trim()) }, select: { id: true, name: true } });
}

export async function listClusters(q: { page: number; pageSize: number }): Promise<{ items: ClusterRow[]; total: number }> {
  const [items, total] = await Promise.all([
    db().slurmCluster.findMany({ orderBy: [{ name: "asc" }, { id: "asc" }], ...pageArgs(q) }),
    db().slurmCluster.count(),
  ]);
  return { items, total };
}

export function allClusters(): Promise<ClusterRow[]> {
  return db().slurmCluster.findMany({ orderBy: { name: "asc" } });
}

export function findCluster(id: string): Promise<ClusterRow | null> {
  return db().slurmCluster.findUnique({ where: { id } });
}

export function createCluster(data: Prisma.SlurmClusterUncheckedCreateInput): Promise<ClusterRow> {
  return db().slurmCluster.create({ data });
}

export function updateCluster(id: string, data: Prisma.SlurmClusterUncheckedUpdateInput): Promise<ClusterRow> {
  return db().slurmCluster.update({ where: { id }, data });
}

/** Pins the login node's host key if none is pinned yet (the first contact wins). */
export async function pinLoginHostKey(id: string, hostKey: string): Promise<void> {
  await db().slurmCluster.updateMany({ where: { id, loginHostKey: null }, data: { loginHostKey: hostKey } });
}

export async function deleteCluster(id: string): Promise<void> {
  await db().slurmCluster.delete({ where: { id }, select: { id: true } });
}

/** Jobs (not deleted) submitting to the cluster, and its runs still active. */
export async function clusterUse(id: string): Promise<{ jobs: { id: string; name: string }[]; activeRuns: number }> {
  const [jobs, activeRuns] = await Promise.all([
    db().job.findMany({ where: { clusterId: id, deletedAt: null }, select: { id: true, name: true }, take: 5 }),
    db().jobRun.count({ where: { clusterId: id, status: { in: ["queued", "starting", "running"] } } }),
  ]);
  return { jobs, activeRuns };
}

/** Deleted jobs still pointing at the cluster let go of it (their runs keep their clusterId). */
export async function releaseDeletedJobs(id: string): Promise<void> {
  await db().job.updateMany({ where: { clusterId: id, deletedAt: { not: null } }, data: { clusterId: null } });
}

/**
 * Records a health observation; the status change and its history row are written only by
 * the caller whose update changed the status (several processes record one event).
 */
export async function recordStatus(
  id: string,
  status: string,
  reason: StatusReason | null,
  extra: Prisma.SlurmClusterUncheckedUpdateManyInput = {},
): Promise<boolean> {
  const now = new Date();
  const seen = status !== "unreachable" ? { lastSeenAt: now } : {};
  const fields = statusFields(reason);
  const message = fields.statusMessage;
  return transaction(async (tx) => {
    const changed = await tx.slurmCluster.updateMany({
      where: { id, status: { not: status } },
      data: { status, ...fields, lastCheckedAt: now, ...seen, ...extra },
    });
    if (changed.count > 0) {
      await tx.nodeStatusEvent.create({ data: { clusterId: id, status, message }, select: { id: true } });
      return true;
    }
    await tx.slurmCluster.updateMany({ where: { id }, data: { ...fields, lastCheckedAt: now, ...seen, ...extra } });
    return false;
  });
}

/** When the cluster last became healthy (its latest change to `healthy`). */
export async function healthySince(clusterId: string): Promise<Date | null> {
  const e = await db().nodeStatusEvent.findFirst({ where: { clusterId, status: "healthy" }, orderBy: { createdAt: "desc" }, select: { createdAt: true } });
  return e?.createdAt ?? null;
}

/** Who a console user is to a cluster: their username, how the account was made, and an administrator's mapping. */
export async function slurmIdentity(clusterId: string, userId: string): Promise<{ username: string; selfRegistered: boolean; mapped: string | null } | null> {
  const u = await db().user.findUnique({
    where: { id: userId },
    select: { username: true, selfRegistered: true, slurmAccounts: { where: { clusterId }, select: { slurmUser: true } } },
  });
  return u ? { username: u.username, selfRegistered: u.selfRegistered, mapped: u.slurmAccounts[0]?.slurmUser ?? null } : null;
}

export async function listUserMaps(clusterId: string, q: { page: number; pageSize: number }) {
  const where = { clusterId };
  const [rows, total] = await Promise.all([
    db().slurmUserMap.findMany({ where, orderBy: { userId: "asc" }, include: { user: { select: { username: true } } }, ...pageArgs(q) }),
    db().slurmUserMap.count({ where }),
  ]);
  return { items: rows.map((r) => ({ userId: r.userId, username: r.user.username, slurmUser: r.slurmUser })), total };
}

export async function setUserMap(clusterId: string, userId: string, slurmUser: string) {
  const r = await db().slurmUserMap.upsert({
    where: { clusterId_userId: { clusterId, userId } },
    create: { clusterId, userId, slurmUser },
    update: { slurmUser },
    include: { user: { select: { username: true } } },
  });
  return { userId: r.userId, username: r.user.username, slurmUser: r.slurmUser };
}

export async function removeUserMap(clusterId: string, userId: string): Promise<boolean> {
  const { count } = await db().slurmUserMap.deleteMany({ where: { clusterId, userId } });
  return count > 0;
}

/** Console runs by Slurm job id on a cluster (to name them in the cluster's job list). */
export async function runsBySlurmId(clusterId: string, slurmJobIds: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let i = 0; i < slurmJobIds.length; i += 500) {
    const rows = await db().jobRun.findMany({
      where: { clusterId, slurmJobId: { in: slurmJobIds.slice(i, i + 500) } },
      select: { id: true, slurmJobId: true },
    });
    for (const r of rows) out.set(r.slurmJobId!, r.id);
  }
  return out;
}
