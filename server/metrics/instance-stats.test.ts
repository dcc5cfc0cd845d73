// Instance history arithmetic: what a GPU-holding instance reads of its node's GPUs,
// bucketing by step, and folding raw samples into minute averages.
import { describe, expect, it } from "vitest";
import { bucketInstanceSamples, foldMinutes, gpuUsage } from "./instance-stats.service";

const values = (cpu: number, mem: number, rx: number, gpu: number | null = null) => ({
  cpuPercent: cpu,
  memoryUsage: mem,
  memoryLimit: 100,
  networkRx: rx,
  networkTx: 0,
  blockRead: 0,
  blockWrite: 0,
  pids: 2,
  gpuUtilization: gpu,
  gpuMemoryUsedMb: gpu === null ? null : gpu * 10,
  gpuMemoryLimitMb: gpu === null ? null : 24_576,
});

describe("gpuUsage", () => {
  const readings = [
    { gpuIndex: 0, utilization: 90, memoryUsedMb: 4000 },
    { gpuIndex: 1, utilization: null, memoryUsedMb: 1000 }, // "[N/A]" on the card
    { gpuIndex: 2, utilization: 10, memoryUsedMb: 500 },
  ];

  it("averages utilization and sums memory over the GPUs held, against the memory held", () => {
    expect(
      gpuUsage(
        [
          { index: 0, memoryGb: 24 },
          { index: 2, memoryGb: 24 },
        ],
        readings,
      ),
    ).toEqual({ gpuUtilization: 50, gpuMemoryUsedMb: 4500, gpuMemoryLimitMb: 49_152 });
  });

  it("skips values a card does not report, and says nothing without readings or GPUs", () => {
    expect(gpuUsage([{ index: 1, memoryGb: 8 }], readings)).toEqual({ gpuUtilization: null, gpuMemoryUsedMb: 1000, gpuMemoryLimitMb: 8192 });
    expect(gpuUsage([{ index: 0, memoryGb: 24 }], [])).toEqual({ gpuUtilization: null, gpuMemoryUsedMb: null, gpuMemoryLimitMb: 24_576 });
    expect(gpuUsage([], readings)).toEqual({ gpuUtilization: null, gpuMemoryUsedMb: null, gpuMemoryLimitMb: null });
  });
});

describe("bucketInstanceSamples", () => {
  it("averages gauges per step and keeps counters' last value", () => {
    const row = (ts: string, cpu: number, mem: number, rx: number, gpu: number | null = null) => ({ ts: new Date(ts), ...values(cpu, mem, rx, gpu) });
    const points = bucketInstanceSamples(
      [row("2026-11-22T08:00:10Z", 10, 40, 5, 20), row("2026-11-22T08:00:50Z", 30, 60, 9, null), row("2026-11-22T08:01:30Z", 50, 80, 12, 70)],
      new Date("2026-11-22T08:00:00Z"),
      60,
    );
    expect(points).toEqual([
      // A GPU reading missing from one sample does not drag the average to zero.
      { ts: "2026-11-22T08:00:00.000Z", ...values(20, 50, 9), gpuUtilization: 20, gpuMemoryUsedMb: 200, gpuMemoryLimitMb: null },
      { ts: "2026-11-22T08:01:00.000Z", ...values(50, 80, 12, 70) },
    ]);
  });
});

describe("foldMinutes", () => {
  const sample = (id: string, instanceId: string, ts: string, cpu: number) => ({ id, instanceId, ts: new Date(ts), ...values(cpu, cpu, cpu) });

  it("replaces a minute's samples by their average at the minute's start, per instance; a lone sample stays", () => {
    const f = foldMinutes([
      sample("a1", "a", "2026-11-22T08:00:05Z", 10),
      sample("b1", "b", "2026-11-22T08:00:07Z", 99),
      sample("a2", "a", "2026-11-22T08:00:35Z", 30),
      sample("a3", "a", "2026-11-22T08:01:05Z", 70),
    ]);
    expect(f.averages).toEqual([{ instanceId: "a", ts: new Date("2026-11-22T08:00:00Z"), ...values(20, 20, 30) }]);
    expect(f.replaced.sort()).toEqual(["a1", "a2"]);
    expect(f.kept.sort()).toEqual(["a3", "b1"]);
  });
});
