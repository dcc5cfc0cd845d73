import "server-only";
import { db, transaction } from "../db/client";
import type { GpuReading } from "../adapters/gpu";

// GPU telemetry storage: raw samples, one-minute rollups (sums and counts, mergeable).

export type SampleRow = {
  nodeId: string;
  ts: Date;
  gpuIndex: number;
  utilization: number | null;
  memoryUsedMb: number | null;
  memoryTotalMb: number | null;
  temperature: number | null;
  powerW: number | null;
};
export type RollupRow = {
  nodeId: string;
  gpuIndex: number;
  minute: Date;
  samples: number;
  sumUtilization: number;
  utilizationN: number;
  sumMemoryUsedMb: number;
  memoryN: number;
  maxTemperature: number | null;
  sumPowerW: number;
  powerN: number;
  memoryTotalMb: number | null;
};

export async function insertReadings(nodeId: string, ts: Date, readings: GpuReading[]): Promise<void> {
  if (!readings.length) return;
  await db().gpuSample.createMany({
    data: readings.map((r) => ({
      nodeId,
      ts,
      gpuIndex: r.index,
      uuid: r.uuid,
      utilization: r.utilization,
      memoryUsedMb: r.memoryUsedMb === null ? null : Math.round(r.memoryUsedMb),
      memoryTotalMb: r.memoryTotalMb === null ? null : Math.round(r.memoryTotalMb),
      temperature: r.temperature,
      powerW: r.powerW,
    })),
  });
}

const sampleSelect = {
  nodeId: true,
  ts: true,
  gpuIndex: true,
  utilization: true,
  memoryUsedMb: true,
  memoryTotalMb: true,
  temperature: true,
  powerW: true,
} as const;

export function samplesBetween(nodeId: string, from: Date, to: Date): Promise<SampleRow[]> {
  return db().gpuSample.findMany({ where: { nodeId, ts: { gte: from, lte: to } }, select: sampleSelect, orderBy: [{ ts: "asc" }, { gpuIndex: "asc" }] });
}

export function rollupsBetween(nodeId: string, from: Date, to: Date): Promise<RollupRow[]> {
  return db().gpuRollup.findMany({ where: { nodeId, minute: { gte: from, lte: to } }, orderBy: [{ minute: "asc" }, { gpuIndex: "asc" }] });
}

/** The newest reading of each GPU of each node (or of one node) within `since`. */
export async function latestReadings(since: Date, nodeId?: string): Promise<SampleRow[]> {
  const rows = await db().gpuSample.findMany({ where: { ts: { gte: since }, ...(nodeId ? { nodeId } : {}) }, select: sampleSelect, orderBy: { ts: "desc" } });
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.nodeId}:${r.gpuIndex}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Raw samples older than `before`, oldest first, at most `limit`. */
export function oldSamples(before: Date, limit: number): Promise<(SampleRow & { id: string })[]> {
  return db().gpuSample.findMany({ where: { ts: { lt: before } }, select: { ...sampleSelect, id: true }, orderBy: { ts: "asc" }, take: limit });
}

/** Merges folded buckets into the rollups and deletes the raw samples they came from, in one transaction. */
export async function foldInto(buckets: RollupRow[], sampleIds: string[]): Promise<void> {
  await transaction(async (tx) => {
    for (const b of buckets) {
      const key = { nodeId_gpuIndex_minute: { nodeId: b.nodeId, gpuIndex: b.gpuIndex, minute: b.minute } };
      const existing = await tx.gpuRollup.findUnique({ where: key });
      const merged = existing
        ? {
            samples: existing.samples + b.samples,
            sumUtilization: existing.sumUtilization + b.sumUtilization,
            utilizationN: existing.utilizationN + b.utilizationN,
            sumMemoryUsedMb: existing.sumMemoryUsedMb + b.sumMemoryUsedMb,
            memoryN: existing.memoryN + b.memoryN,
            maxTemperature:
              existing.maxTemperature === null
                ? b.maxTemperature
                : b.maxTemperature === null
                  ? existing.maxTemperature
                  : Math.max(existing.maxTemperature, b.maxTemperature),
            sumPowerW: existing.sumPowerW + b.sumPowerW,
            powerN: existing.powerN + b.powerN,
            memoryTotalMb: b.memoryTotalMb ?? existing.memoryTotalMb,
          }
        : b;
      await tx.gpuRollup.upsert({ where: key, create: { ...b }, update: merged });
    }
    await tx.gpuSample.deleteMany({ where: { id: { in: sampleIds } } });
  });
}

export async function deleteRollupsBefore(before: Date): Promise<number> {
  return (await db().gpuRollup.deleteMany({ where: { minute: { lt: before } } })).count;
}
