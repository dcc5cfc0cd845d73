// Instance rules shared by the pages: controls per status, launch progress, default names,
// the stats history kept for charts.
import { describe, expect, it } from "vitest";
import type { TInstanceStats } from "./contracts/instances";
import { byteScale, formatBytes, formatDuration } from "./format";
import { appendSample } from "./hooks/live-stats";
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
  it("formats bytes in binary units", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(2 ** 30)).toBe("1.0 GB");
  });
  it("formats durations for people", () => {
    expect(formatDuration(30)).toBe("< 1 min");
    expect(formatDuration(12 * 60 + 59)).toBe("12 min");
    expect(formatDuration(2 * 3600 + 15 * 60)).toBe("2 h 15 min");
    expect(formatDuration(3600)).toBe("1 h");
    expect(formatDuration(3 * 86400 + 4 * 3600 + 59)).toBe("3 d 4 h");
  });
  it("charts bytes in the unit of their largest value", () => {
    expect(byteScale(0)).toEqual({ divisor: 1, label: "B" });
    expect(byteScale(1023)).toEqual({ divisor: 1, label: "B" });
    expect(byteScale(760 * 1024)).toEqual({ divisor: 1024, label: "KB" });
    expect(byteScale(24_564 * 2 ** 20)).toEqual({ divisor: 2 ** 30, label: "GB" });
  });
});
