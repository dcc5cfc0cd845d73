import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { DETECT_FIELDS, parseDetectedGpus, parseNvidiaSmiCsv, parseTelemetry, TELEMETRY_FIELDS } from "./gpu";

// Parsed from the fixture's real-format output (scripts/fixtures/nvidia-smi).
const fixture = (...args: string[]) => execFileSync("scripts/fixtures/nvidia-smi", args, { encoding: "utf8" });

describe("nvidia-smi parsing", () => {
  it("reads the detect query", () => {
    const gpus = parseDetectedGpus(fixture(`--query-gpu=${DETECT_FIELDS.join(",")}`, "--format=csv,noheader,nounits"));
    expect(gpus).toEqual([
      { index: 0, name: "NVIDIA GeForce RTX 4090", memoryGb: 24, uuid: "GPU-6c3f2a1e-4b7d-4e8a-9f10-2b3c4d5e6f70" },
      { index: 1, name: "NVIDIA GeForce RTX 4090", memoryGb: 24, uuid: "GPU-9a1b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d" },
    ]);
  });
  it("turns [N/A] and friends into null", () => {
    const fields = ["index", "power.draw", "temperature.gpu"] as const;
    const rows = parseNvidiaSmiCsv("0, [N/A], 45\n1, 120.5, [Not Supported]\n", fields, fields);
    expect(rows).toEqual([
      { index: 0, "power.draw": null, "temperature.gpu": 45 },
      { index: 1, "power.draw": 120.5, "temperature.gpu": null },
    ]);
  });
  it("reads the telemetry query, a missing power reading as null", () => {
    const readings = parseTelemetry(fixture(`--query-gpu=${TELEMETRY_FIELDS.join(",")}`, "--format=csv,noheader,nounits"));
    expect(readings).toEqual([
      {
        index: 0,
        uuid: "GPU-6c3f2a1e-4b7d-4e8a-9f10-2b3c4d5e6f70",
        name: "NVIDIA GeForce RTX 4090",
        utilization: 35,
        memoryUsedMb: 1024,
        memoryTotalMb: 24564,
        temperature: 45,
        powerW: 120.5,
      },
      {
        index: 1,
        uuid: "GPU-9a1b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d",
        name: "NVIDIA GeForce RTX 4090",
        utilization: 0,
        memoryUsedMb: 0,
        memoryTotalMb: 24564,
        temperature: 38,
        powerW: null,
      },
    ]);
  });
});
