import { describe, expect, it } from "vitest";
import type { Held, NodeCapacity, SpecNeeds } from "../nodes/capacity";
import { renderMessage } from "@/lib/i18n/message-ref";
import { compareScores, type Plan, placementScore, planAllocation } from "./placement";

/** A refused plan with what is missing in English (the server's words for it). */
const plain = (p: Plan) => (p.ok ? p : { ok: false, missing: p.missing.map((m) => renderMessage("en-US", m)) });

const gpuNode: NodeCapacity = {
  cpuCores: 32,
  memoryGb: 128,
  gpuName: "NVIDIA GeForce RTX 4090",
  gpuCount: 4,
  gpuMemoryGb: 24,
  hamiCorePath: "/opt/hami/libvgpu.so",
  hamiCoreCheckedPath: "/opt/hami/libvgpu.so",
};
const whole: SpecNeeds = { gpuModel: "RTX 4090", gpuCount: 2, gpuMemoryGb: 24, supportMemorySplit: false, cpuCores: 8, memoryGb: 32 };
const share: SpecNeeds = { ...whole, gpuCount: 1, gpuMemoryGb: 8, supportMemorySplit: true };
const cpuOnly: SpecNeeds = { gpuModel: null, gpuCount: 0, gpuMemoryGb: 0, supportMemorySplit: false, cpuCores: 2, memoryGb: 4 };
const gpu = (gpuIndex: number, gb: number, exclusive: boolean): Held => ({ gpuIndex, gpuMemoryGb: gb, exclusive, cpuCores: 0, memoryGb: 0 });
const base = (cpuCores: number, memoryGb: number): Held => ({ gpuIndex: null, gpuMemoryGb: 0, exclusive: false, cpuCores, memoryGb });

describe("planAllocation", () => {
  it("takes the lowest free whole GPUs and one CPU/memory row", () => {
    const plan = planAllocation(whole, gpuNode, [gpu(0, 24, true), gpu(2, 8, false)], { imageSupportsSplit: false });
    expect(plan).toEqual({
      ok: true,
      memorySplit: false,
      rows: [gpu(1, 24, true), gpu(3, 24, true), base(8, 32)],
    });
  });

  it("shares by memory only when spec, image and node all support it, packing partly used GPUs first", () => {
    const held = [gpu(2, 8, false), gpu(1, 20, false)];
    const plan = planAllocation(share, gpuNode, held, { imageSupportsSplit: true });
    // GPU 1 has 4 GB left (too little), GPU 2 has 16 GB: the fullest that fits.
    expect(plan).toEqual({ ok: true, memorySplit: true, rows: [gpu(2, 8, false), base(8, 32)] });
    // Without split support a share is refused, never turned into a whole GPU at a share's price.
    expect(plain(planAllocation(share, gpuNode, held, { imageSupportsSplit: false }))).toEqual({
      ok: false,
      missing: ["an image that supports GPU memory split"],
    });
    expect(plain(planAllocation(share, { ...gpuNode, hamiCorePath: null }, held, { imageSupportsSplit: true }))).toEqual({
      ok: false,
      missing: ["HAMi-core on the node for GPU memory split"],
    });
  });

  it("names what is missing", () => {
    const full = [gpu(0, 24, true), gpu(1, 24, true), gpu(2, 24, true), base(30, 100)];
    expect(plain(planAllocation(whole, gpuNode, full, { imageSupportsSplit: false }))).toEqual({
      ok: false,
      missing: ["1 more free GPU", "6 more CPU cores", "4 GB more memory"],
    });
    expect(plain(planAllocation({ ...whole, gpuModel: "A100" }, gpuNode, [], { imageSupportsSplit: false }))).toEqual({
      ok: false,
      missing: ["GPU model A100"],
    });
  });

  it("withoutGpu takes only CPU and memory", () => {
    const allTaken = [0, 1, 2, 3].map((i) => gpu(i, 24, true));
    expect(planAllocation(whole, gpuNode, allTaken, { imageSupportsSplit: false }).ok).toBe(false);
    expect(planAllocation(whole, gpuNode, allTaken, { imageSupportsSplit: false, withoutGpu: true })).toEqual({
      ok: true,
      memorySplit: false,
      rows: [base(8, 32)],
    });
  });

  it("never books more than the node has, however many instances ask", () => {
    const node: NodeCapacity = { cpuCores: 3, memoryGb: 64, gpuName: null, gpuCount: 0, gpuMemoryGb: 0, hamiCorePath: null, hamiCoreCheckedPath: null };
    const held: Held[] = [];
    let placed = 0;
    for (let i = 0; i < 20; i++) {
      const plan = planAllocation({ ...cpuOnly, cpuCores: 1, memoryGb: 1 }, node, held, { imageSupportsSplit: false });
      if (plan.ok) {
        held.push(...plan.rows);
        placed++;
      }
    }
    expect(placed).toBe(3);
  });
});

describe("placement order", () => {
  it("packs GPU specs onto the node with the fewest GPUs left free", () => {
    const busy = placementScore(whole, gpuNode, [gpu(0, 24, true)]);
    const idle = placementScore(whole, gpuNode, []);
    expect(compareScores(busy, idle)).toBeLessThan(0);
  });

  it("keeps CPU-only specs off GPU nodes when a CPU node has room", () => {
    const cpuNode: NodeCapacity = { ...gpuNode, gpuName: null, gpuCount: 0, gpuMemoryGb: 0, cpuCores: 64 };
    expect(compareScores(placementScore(cpuOnly, cpuNode, []), placementScore(cpuOnly, gpuNode, []))).toBeLessThan(0);
  });
});
