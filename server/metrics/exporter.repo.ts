import "server-only";
import { db } from "../db/client";

// What a Prometheus scrape reads: a handful of grouped queries, whatever the number of rows.

export function nodesForMetrics() {
  return db().node.findMany({
    select: { id: true, name: true, status: true, gpuName: true, gpuCount: true, gpuMemoryGb: true, cpuCores: true, memoryGb: true },
  });
}

/** Every allocation, with the instance holding it (name, owner). */
export function allocationsForMetrics() {
  return db().allocation.findMany({
    select: {
      nodeId: true,
      gpuIndex: true,
      gpuMemoryGb: true,
      cpuCores: true,
      memoryGb: true,
      instance: { select: { id: true, name: true, jobRunId: true, user: { select: { username: true } } } },
    },
  });
}

export async function instancesByStatusAndNode(): Promise<{ status: string; nodeId: string | null; count: number }[]> {
  const rows = await db().instance.groupBy({ by: ["status", "nodeId"], where: { status: { not: "deleted" }, jobRunId: null }, _count: { _all: true } });
  return rows.map((r) => ({ status: r.status, nodeId: r.nodeId, count: r._count._all }));
}

export async function activeRunsByStatus(): Promise<{ status: string; count: number }[]> {
  const rows = await db().jobRun.groupBy({ by: ["status"], where: { status: { in: ["queued", "starting", "running"] } }, _count: { _all: true } });
  return rows.map((r) => ({ status: r.status, count: r._count._all }));
}

/** The newest reading of each GPU taken since `since`. */
export async function latestGpuReadings(since: Date) {
  const rows = await db().gpuSample.findMany({
    where: { ts: { gte: since } },
    select: { nodeId: true, gpuIndex: true, uuid: true, ts: true, utilization: true, memoryUsedMb: true, memoryTotalMb: true, temperature: true, powerW: true },
    orderBy: { ts: "desc" },
  });
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.nodeId}/${r.gpuIndex}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
