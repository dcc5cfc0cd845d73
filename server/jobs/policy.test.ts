// Job policies: retry delays, overlap, queue order; and the progress/result lines of a run's output.
import { describe, expect, it } from "vitest";
import { overlapDecision, queueRank, retryDelaySeconds } from "./policy";
import { RESULT_MAX_CHARS, runSignal } from "./run-output";

describe("retries", () => {
  it("fixed waits the same; exponential doubles up to its ceiling; none after the last attempt", () => {
    const fixed = { maxAttempts: 3, backoff: "fixed" as const, delaySeconds: 10, maxDelaySeconds: 600 };
    expect([2, 3, 4].map((n) => retryDelaySeconds(fixed, n))).toEqual([10, 10, null]);
    const exp = { maxAttempts: 6, backoff: "exponential" as const, delaySeconds: 5, maxDelaySeconds: 30 };
    expect([2, 3, 4, 5, 6, 7].map((n) => retryDelaySeconds(exp, n))).toEqual([5, 10, 20, 30, 30, null]);
    expect(retryDelaySeconds({ ...fixed, maxAttempts: 1 }, 2)).toBeNull();
  });
});

describe("overlap", () => {
  it("allow always creates; forbid skips and replace replaces while a run is active", () => {
    expect(overlapDecision("forbid", 0)).toBe("create");
    expect(overlapDecision("allow", 3)).toBe("create");
    expect(overlapDecision("forbid", 1)).toBe("skip");
    expect(overlapDecision("replace", 1)).toBe("replace");
  });
  it("critical ranks before high, normal and low", () => {
    expect(["low", "critical", "normal", "high"].sort((a, b) => queueRank(b as never) - queueRank(a as never))).toEqual(["critical", "high", "normal", "low"]);
  });
});

describe("run output", () => {
  it("reads progress and results; anything else is output", () => {
    expect(runSignal("::progress 42")).toEqual({ progress: 42 });
    expect(runSignal("  ::progress 99.6 ")).toEqual({ progress: 100 });
    expect(runSignal("::progress 101")).toBeNull();
    expect(runSignal("::progress -3")).toBeNull();
    expect(runSignal('::result {"loss":0.12,"epochs":[1,2]}')).toEqual({ result: { loss: 0.12, epochs: [1, 2] } });
    expect(runSignal("::result not json")).toBeNull();
    expect(runSignal(`::result "${"x".repeat(RESULT_MAX_CHARS)}"`)).toBeNull();
    expect(runSignal("progress 42")).toBeNull();
  });
});
