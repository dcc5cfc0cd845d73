import { describe, expect, it } from "vitest";
import type { SampleRow } from "./gpu.repo";
import { bucketSeries, foldSamples } from "./gpu.service";

const at = (iso: string) => new Date(iso);
const sample = (ts: string, gpuIndex: number, utilization: number | null, powerW: number | null = 100): SampleRow => ({
  nodeId: "n1",
  ts: at(ts),
  gpuIndex,
  utilization,
  memoryUsedMb: 1000,
  memoryTotalMb: 24564,
  temperature: 40 + gpuIndex,
  powerW,
});

describe("GPU telemetry folding", () => {
  it("folds raw samples into one-minute buckets with sums and counts, ignoring missing values", () => {
    const rollups = foldSamples([
      sample("2026-11-22T08:00:05Z", 0, 10),
      sample("2026-11-22T08:00:35Z", 0, 30, null),
      sample("2026-11-22T08:01:00Z", 0, 50),
      sample("2026-11-22T08:00:10Z", 1, null),
    ]);
    expect(rollups).toHaveLength(3);
    expect(rollups.find((r) => r.gpuIndex === 0 && r.minute.toISOString() === "2026-11-22T08:00:00.000Z")).toMatchObject({
      samples: 2,
      sumUtilization: 40,
      utilizationN: 2,
      sumPowerW: 100,
      powerN: 1,
      maxTemperature: 40,
    });
    expect(rollups.find((r) => r.gpuIndex === 1)).toMatchObject({ samples: 1, utilizationN: 0 });
  });

  it("buckets raw samples and rollups alike: averages per step, null where nothing was reported", () => {
    const from = at("2026-11-22T08:00:00Z");
    const rollups = foldSamples([sample("2026-11-22T08:00:05Z", 0, 10), sample("2026-11-22T08:00:35Z", 0, 30)]);
    const raw = [sample("2026-11-22T08:01:10Z", 0, 60), sample("2026-11-22T08:01:40Z", 0, 80), sample("2026-11-22T08:01:40Z", 1, null, null)];
    const series = bucketSeries(raw, rollups, from, 60);
    expect(series).toEqual([
      {
        index: 0,
        memoryTotalMb: 24564,
        points: [
          { ts: "2026-11-22T08:00:00.000Z", utilization: 20, memoryUsedMb: 1000, temperature: 40, powerW: 100 },
          { ts: "2026-11-22T08:01:00.000Z", utilization: 70, memoryUsedMb: 1000, temperature: 40, powerW: 100 },
        ],
      },
      { index: 1, memoryTotalMb: 24564, points: [{ ts: "2026-11-22T08:01:00.000Z", utilization: null, memoryUsedMb: 1000, temperature: 41, powerW: null }] },
    ]);
    // A 2-minute step merges both minutes with the right weights (2 + 2 samples).
    expect(bucketSeries(raw, rollups, from, 120)[0]!.points).toEqual([
      { ts: "2026-11-22T08:00:00.000Z", utilization: 45, memoryUsedMb: 1000, temperature: 40, powerW: 100 },
    ]);
  });
});
