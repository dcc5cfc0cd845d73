import "server-only";
import type { TFreeCapacity } from "@/lib/contracts/specs";
import { type MessageRef, ref } from "@/lib/i18n/message-ref";

// Free capacity and spec matching: pure functions over a node's capacity and the
// allocation rows of the instances on it. Placement (issue: instances) uses the same rules.

export type NodeCapacity = {
  cpuCores: number;
  memoryGb: number;
  gpuName: string | null;
  gpuCount: number;
  gpuMemoryGb: number;
  hamiCorePath: string | null;
  hamiCoreCheckedPath: string | null;
};

export type Held = { gpuIndex: number | null; gpuMemoryGb: number; exclusive: boolean; cpuCores: number; memoryGb: number };

export type SpecNeeds = {
  gpuModel: string | null;
  gpuCount: number;
  gpuMemoryGb: number;
  supportMemorySplit: boolean;
  cpuCores: number;
  memoryGb: number;
};

export function freeCapacity(node: NodeCapacity, held: Held[]): TFreeCapacity {
  const sum = (f: (h: Held) => number) => held.reduce((n, h) => n + f(h), 0);
  const gpus = Array.from({ length: node.gpuCount }, (_, index) => {
    const rows = held.filter((h) => h.gpuIndex === index);
    const freeGb = rows.some((h) => h.exclusive) ? 0 : Math.max(0, node.gpuMemoryGb - rows.reduce((n, h) => n + h.gpuMemoryGb, 0));
    return { index, freeGb, untouched: rows.length === 0 };
  });
  return {
    wholeGpus: gpus.filter((g) => g.untouched).length,
    gpuMemoryGb: gpus.map(({ index, freeGb }) => ({ index, freeGb })),
    cpuCores: Math.max(0, node.cpuCores - sum((h) => h.cpuCores)),
    memoryGb: Math.max(0, node.memoryGb - sum((h) => h.memoryGb)),
  };
}

/** "NVIDIA GeForce RTX 4090" and "RTX 4090" name the same GPU. */
export function sameGpuModel(a: string | null, b: string | null): boolean {
  const norm = (s: string | null) =>
    (s ?? "")
      .toLowerCase()
      .replace(/\b(nvidia|geforce|tesla)\b/g, "")
      .replace(/\s+/g, " ")
      .trim();
  return norm(a) !== "" && norm(a) === norm(b);
}

/** The node's HAMi-core library passed its last connection test at the path configured now. */
export function hamiCoreReady(node: Pick<NodeCapacity, "hamiCorePath" | "hamiCoreCheckedPath">): boolean {
  return !!node.hamiCorePath && node.hamiCoreCheckedPath === node.hamiCorePath;
}

/** Whether GPUs are shared by memory (HAMi-core) for this spec on this node. */
export function usesMemorySplit(spec: SpecNeeds, node: NodeCapacity, imageSupportsSplit = true): boolean {
  return spec.gpuCount > 0 && spec.supportMemorySplit && hamiCoreReady(node) && imageSupportsSplit;
}

function splitMissing(node: NodeCapacity): MessageRef {
  if (!node.hamiCorePath) return ref("serverMessages.missing.hamiCore");
  if (!hamiCoreReady(node)) return ref("serverMessages.missing.hamiCoreTest");
  return ref("serverMessages.missing.splitImage");
}

/** What keeps `node` from hosting one instance of `spec` now (empty: it can). */
export function missingFor(spec: SpecNeeds, node: NodeCapacity, free: TFreeCapacity, imageSupportsSplit = true): MessageRef[] {
  const missing: MessageRef[] = [];
  if (spec.gpuCount > 0) {
    if (!sameGpuModel(spec.gpuModel, node.gpuName)) missing.push(ref("serverMessages.missing.gpuModel", { model: spec.gpuModel ?? "" }));
    else if (node.gpuMemoryGb < spec.gpuMemoryGb) missing.push(ref("serverMessages.missing.gpuMemory", { gb: spec.gpuMemoryGb }));
    // A share of a GPU is sold as a share: never hand out whole GPUs at a share's price.
    else if (spec.supportMemorySplit && !usesMemorySplit(spec, node, imageSupportsSplit)) {
      missing.push(splitMissing(node));
    } else {
      const usable = usesMemorySplit(spec, node, imageSupportsSplit) ? free.gpuMemoryGb.filter((g) => g.freeGb >= spec.gpuMemoryGb).length : free.wholeGpus;
      if (usable < spec.gpuCount)
        missing.push(ref(spec.gpuCount - usable > 1 ? "serverMessages.missing.gpus" : "serverMessages.missing.gpu", { count: spec.gpuCount - usable }));
    }
  }
  if (free.cpuCores < spec.cpuCores) missing.push(ref("serverMessages.missing.cpu", { count: spec.cpuCores - free.cpuCores }));
  if (free.memoryGb < spec.memoryGb) missing.push(ref("serverMessages.missing.memory", { count: spec.memoryGb - free.memoryGb }));
  return missing;
}
