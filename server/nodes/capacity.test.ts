import { describe, expect, it } from "vitest";
import { type MessageRef, renderMessage } from "@/lib/i18n/message-ref";
import { freeCapacity, missingFor, sameGpuModel, type NodeCapacity, type SpecNeeds } from "./capacity";

/** What is missing, in the server's English. */
const english = (missing: MessageRef[]) => missing.map((m) => renderMessage("en-US", m));

const node: NodeCapacity = {
  cpuCores: 32,
  memoryGb: 128,
  gpuName: "NVIDIA GeForce RTX 4090",
  gpuCount: 4,
  gpuMemoryGb: 24,
  hamiCorePath: "/opt/hami/libvgpu.so",
  hamiCoreCheckedPath: "/opt/hami/libvgpu.so",
};
const spec: SpecNeeds = { gpuModel: "NVIDIA RTX 4090", gpuCount: 2, gpuMemoryGb: 24, supportMemorySplit: false, cpuCores: 8, memoryGb: 32 };

describe("free capacity", () => {
  it("subtracts whole GPUs, shares and CPU/memory", () => {
    const free = freeCapacity(node, [
      { gpuIndex: 0, gpuMemoryGb: 24, exclusive: true, cpuCores: 0, memoryGb: 0 },
      { gpuIndex: 1, gpuMemoryGb: 8, exclusive: false, cpuCores: 0, memoryGb: 0 },
      { gpuIndex: null, gpuMemoryGb: 0, exclusive: false, cpuCores: 12, memoryGb: 40 },
    ]);
    expect(free).toEqual({
      wholeGpus: 2,
      gpuMemoryGb: [
        { index: 0, freeGb: 0 },
        { index: 1, freeGb: 16 },
        { index: 2, freeGb: 24 },
        { index: 3, freeGb: 24 },
      ],
      cpuCores: 20,
      memoryGb: 88,
    });
  });
});

describe("matching", () => {
  it("matches GPU models by name without vendor words", () => {
    expect(sameGpuModel("NVIDIA RTX 4090", "NVIDIA GeForce RTX 4090")).toBe(true);
    expect(sameGpuModel("A100", "NVIDIA A100")).toBe(true);
    expect(sameGpuModel("RTX 4090", "RTX 3090")).toBe(false);
    expect(sameGpuModel(null, "RTX 4090")).toBe(false);
  });

  it("names what is missing", () => {
    const free = freeCapacity(node, [{ gpuIndex: null, gpuMemoryGb: 0, exclusive: false, cpuCores: 30, memoryGb: 100 }]);
    expect(english(missingFor(spec, node, free))).toEqual(["6 more CPU cores", "4 GB more memory"]);
    expect(english(missingFor({ ...spec, gpuModel: "A100" }, node, freeCapacity(node, [])))).toEqual(["GPU model A100"]);
    expect(english(missingFor({ ...spec, gpuCount: 5 }, node, freeCapacity(node, [])))).toEqual(["1 more free GPU"]);
    expect(english(missingFor({ ...spec, gpuMemoryGb: 48 }, node, freeCapacity(node, [])))).toEqual(["48 GB of memory per GPU"]);
  });

  it("memory split uses GPUs that still have enough memory, even if shared", () => {
    const shared = freeCapacity(
      node,
      [0, 1, 2, 3].map((i) => ({ gpuIndex: i, gpuMemoryGb: 12, exclusive: false, cpuCores: 0, memoryGb: 0 })),
    );
    const splitSpec = { ...spec, gpuCount: 1, gpuMemoryGb: 8, supportMemorySplit: true };
    expect(english(missingFor(splitSpec, node, shared))).toEqual([]);
    expect(english(missingFor({ ...splitSpec, supportMemorySplit: false }, node, shared))).toEqual(["1 more free GPU"]);
    // A share is never turned into a whole GPU: without split support it does not fit.
    expect(english(missingFor(splitSpec, { ...node, hamiCorePath: null }, shared))).toEqual(["HAMi-core on the node for GPU memory split"]);
    // A path that never passed the node's connection test (or changed since) is not used.
    for (const hamiCoreCheckedPath of [null, "/opt/old/libvgpu.so"]) {
      expect(english(missingFor(splitSpec, { ...node, hamiCoreCheckedPath }, shared))).toEqual(["its HAMi-core library to pass the node's connection test"]);
    }
    expect(english(missingFor(splitSpec, node, shared, false))).toEqual(["an image that supports GPU memory split"]);
  });

  it("CPU-only specs ignore GPUs", () => {
    expect(
      missingFor({ ...spec, gpuModel: null, gpuCount: 0, gpuMemoryGb: 0 }, { ...node, gpuCount: 0, gpuName: null }, freeCapacity({ ...node, gpuCount: 0 }, [])),
    ).toEqual([]);
  });
});
