// Instance rules shared by the pages: controls per status, launch progress, default names,
// the stats history kept for charts (formatting: format.test.ts).
import { describe, expect, it } from "vitest";
import type { TInstanceStats } from "./contracts/instances";
import { appendGpuEvent, appendSample } from "./hooks/live-stats";
import { allowedActions, defaultInstanceName, launchStep, showsLaunchProgress } from "./instances";

describe("allowedActions", () => {
  it("offers what each status allows", () => {
    const of = (status: Parameters<typeof allowedActions>[0]["status"]) => [...allowedActions({ status })].sort();
    expect(of("running")).toEqual(["delete", "restart", "stop"]);
    expect(of("stopped")).toEqual(["delete", "start"]);
    expect(of("creating")).toEqual(["delete"]);
    expect(of("failed")).toEqual(["delete", "start"]);
    expect(of("unknown")).toEqual(["delete"]);
    expect(of("deleted")).toEqual([]);
  });
});

describe("launch progress", () => {
  it("follows placing → creating → running and marks where a launch failed", () => {
    expect(launchStep({ status: "creating", nodeId: null, containerId: null })).toBe(0);
    expect(launchStep({ status: "creating", nodeId: "n", containerId: null })).toBe(1);
    expect(launchStep({ status: "running", nodeId: "n", containerId: "c" })).toBe(2);
    expect(launchStep({ status: "failed", nodeId: "n", containerId: null })).toBe(1);
    expect(showsLaunchProgress({ status: "creating", startedAt: null })).toBe(true);
    expect(showsLaunchProgress({ status: "failed", startedAt: null })).toBe(true);
    expect(showsLaunchProgress({ status: "failed", startedAt: "2026-01-01T00:00:00Z" })).toBe(false);
  });
});

describe("defaultInstanceName", () => {
  it("is a short slug of the image name with a suffix, valid for the contract", () => {
    expect(defaultInstanceName("PyTorch 2.4 (CUDA 12)", "3f2a")).toBe("pytorch-2-4-cuda-12-3f2a");
    expect(defaultInstanceName("镜像", "3f2a")).toBe("instance-3f2a");
    expect(defaultInstanceName("x".repeat(100), "ab12").length).toBeLessThanOrEqual(64);
  });
});

describe("stats history", () => {
  const sample = (ts: string, cpuPercent = 1): TInstanceStats => ({
    ts,
    cpuPercent,
    memoryUsage: 1,
    memoryLimit: 2,
    memoryPercent: 50,
    networkRx: 0,
    networkTx: 0,
    blockRead: 0,
    blockWrite: 0,
    pids: 1,
  });
  it("appends, replaces a repeated sample and keeps the newest ones", () => {
    let h: TInstanceStats[] = [];
    for (let s = 0; s < 5; s++) h = appendSample(h, sample(`2026-01-01T00:00:0${s}Z`), 3);
    expect(h.map((x) => x.ts.slice(-3))).toEqual(["02Z", "03Z", "04Z"]);
    h = appendSample(h, sample("2026-01-01T00:00:04Z", 9), 3);
    expect(h).toHaveLength(3);
    expect(h.at(-1)!.cpuPercent).toBe(9);
  });
});

describe("live GPU readings", () => {
  const reading = (index: number, utilization: number) => ({
    index,
    uuid: null,
    name: null,
    utilization,
    memoryUsedMb: 0,
    memoryTotalMb: 0,
    temperature: null,
    powerW: null,
  });
  it("merges the parts of one poll that two instances on a node see; a new poll starts a new sample", () => {
    let h = appendGpuEvent([], { nodeId: "n", ts: "t1", gpus: [reading(1, 10)] }, 10);
    h = appendGpuEvent(h, { nodeId: "n", ts: "t1", gpus: [reading(0, 20)] }, 10);
    expect(h).toHaveLength(1);
    expect(h[0]!.gpus.map((g) => [g.index, g.utilization])).toEqual([
      [0, 20],
      [1, 10],
    ]);
    h = appendGpuEvent(h, { nodeId: "n", ts: "t2", gpus: [reading(1, 30)] }, 10);
    expect(h.map((e) => e.gpus.length)).toEqual([2, 1]);
  });
});
