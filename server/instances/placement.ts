import "server-only";
import { freeCapacity, missingFor, usesMemorySplit, type Held, type NodeCapacity, type SpecNeeds } from "../nodes/capacity";
import type { MessageRef } from "@/lib/i18n/message-ref";

// Placement: which allocation rows one instance takes on a node, and which node fits best.
// Pure functions; instances.repo runs them under the node's row lock.

export type AllocationRow = Held;

export type Plan = { ok: true; memorySplit: boolean; rows: AllocationRow[] } | { ok: false; missing: MessageRef[] };

/** What an existing instance needs on its node (the spec it was launched with). */
export const needsOf = (row: {
  gpuModel: string | null;
  gpuCount: number;
  gpuMemoryGb: number;
  memorySplit: boolean;
  cpuCores: number;
  memoryGb: number;
}): SpecNeeds => ({
  gpuModel: row.gpuModel,
  gpuCount: row.gpuCount,
  gpuMemoryGb: row.gpuMemoryGb,
  supportMemorySplit: row.memorySplit,
  cpuCores: row.cpuCores,
  memoryGb: row.memoryGb,
});

/**
 * The rows an instance of `spec` takes on `node` given what is held there already.
 * Whole GPUs: the lowest free indexes. Memory split: the GPUs with the least free memory
 * that still fits, so untouched GPUs stay whole for whole-GPU specs.
 */
export function planAllocation(spec: SpecNeeds, node: NodeCapacity, held: Held[], opts: { imageSupportsSplit: boolean; withoutGpu?: boolean }): Plan {
  const needs = opts.withoutGpu ? { ...spec, gpuCount: 0 } : spec;
  const free = freeCapacity(node, held);
  const missing = missingFor(needs, node, free, opts.imageSupportsSplit);
  if (missing.length) return { ok: false, missing };
  const split = usesMemorySplit(needs, node, opts.imageSupportsSplit);
  const gpus: AllocationRow[] = split
    ? free.gpuMemoryGb
        .filter((g) => g.freeGb >= needs.gpuMemoryGb)
        .sort((a, b) => a.freeGb - b.freeGb || a.index - b.index)
        .slice(0, needs.gpuCount)
        .map((g) => ({ gpuIndex: g.index, gpuMemoryGb: needs.gpuMemoryGb, exclusive: false, cpuCores: 0, memoryGb: 0 }))
    : Array.from({ length: node.gpuCount }, (_, index) => index)
        .filter((index) => !held.some((h) => h.gpuIndex === index))
        .slice(0, needs.gpuCount)
        .map((index) => ({ gpuIndex: index, gpuMemoryGb: node.gpuMemoryGb, exclusive: true, cpuCores: 0, memoryGb: 0 }));
  const base: AllocationRow = { gpuIndex: null, gpuMemoryGb: 0, exclusive: false, cpuCores: needs.cpuCores, memoryGb: needs.memoryGb };
  return { ok: true, memorySplit: split, rows: [...gpus.sort((a, b) => a.gpuIndex! - b.gpuIndex!), base] };
}

/**
 * Order of preference among nodes that can host `spec` (lower is better): pack rather than
 * spread, so large requests still find room. GPU specs go where the fewest GPUs stay free;
 * CPU-only specs prefer nodes without GPUs, then the least free CPU and memory.
 */
export function placementScore(spec: SpecNeeds, node: NodeCapacity, held: Held[]): number[] {
  const free = freeCapacity(node, held);
  const freeGpuGb = free.gpuMemoryGb.reduce((n, g) => n + g.freeGb, 0);
  return spec.gpuCount > 0 ? [free.wholeGpus, freeGpuGb, free.cpuCores, free.memoryGb] : [node.gpuCount > 0 ? 1 : 0, free.cpuCores, free.memoryGb];
}

export function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}
