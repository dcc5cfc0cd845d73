import "server-only";
import { db, transaction } from "../db/client";
import type { Stats } from "../adapters/runtime";

// Container stats history of instances.

export type GpuUsage = { gpuUtilization: number | null; gpuMemoryUsedMb: number | null; gpuMemoryLimitMb: number | null };
export type SampleValues = Omit<Stats, "ts" | "memoryPercent"> & GpuUsage;
export type SampleRow = SampleValues & { id: string; instanceId: string; ts: Date };

export async function insertSample(instanceId: string, s: Stats, gpu: GpuUsage): Promise<void> {
  const { ts, memoryPercent: _derived, ...values } = s;
  await db().instanceSample.create({ data: { instanceId, ts: new Date(ts), ...values, ...gpu }, select: { id: true } });
}

export function samplesBetween(instanceId: string, from: Date, to: Date): Promise<SampleRow[]> {
  return db().instanceSample.findMany({ where: { instanceId, ts: { gte: from, lte: to } }, orderBy: { ts: "asc" }, omit: { folded: true } });
}

/** Samples not yet folded into minute averages, older than `before`, oldest first. */
export function unfoldedBefore(before: Date, limit: number): Promise<SampleRow[]> {
  return db().instanceSample.findMany({ where: { folded: false, ts: { lt: before } }, orderBy: { ts: "asc" }, take: limit, omit: { folded: true } });
}

/** Replaces samples by their minute averages (and marks lone samples as folded), in one transaction. */
export async function replaceByAverages(averages: (SampleValues & { instanceId: string; ts: Date })[], replaced: string[], kept: string[]): Promise<void> {
  await transaction(async (tx) => {
    if (averages.length) await tx.instanceSample.createMany({ data: averages.map((a) => ({ ...a, folded: true })) });
    if (replaced.length) await tx.instanceSample.deleteMany({ where: { id: { in: replaced } } });
    if (kept.length) await tx.instanceSample.updateMany({ where: { id: { in: kept } }, data: { folded: true } });
  });
}

export async function deleteBefore(before: Date): Promise<number> {
  return (await db().instanceSample.deleteMany({ where: { ts: { lt: before } } })).count;
}
