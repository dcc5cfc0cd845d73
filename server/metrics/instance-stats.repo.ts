import "server-only";
import { db } from "../db/client";
import type { Stats } from "../adapters/containers";

// Container stats history of instances.

export async function insertSample(instanceId: string, s: Stats): Promise<void> {
  const { ts, memoryPercent: _derived, ...values } = s;
  await db().instanceSample.create({ data: { instanceId, ts: new Date(ts), ...values }, select: { id: true } });
}

export function samplesBetween(instanceId: string, from: Date, to: Date) {
  return db().instanceSample.findMany({ where: { instanceId, ts: { gte: from, lte: to } }, orderBy: { ts: "asc" }, omit: { id: true, instanceId: true } });
}

export async function deleteBefore(before: Date): Promise<number> {
  return (await db().instanceSample.deleteMany({ where: { ts: { lt: before } } })).count;
}
