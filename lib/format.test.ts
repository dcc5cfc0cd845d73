// The display formatters in both languages: one currency symbol, 24-hour times, durations
// in the user's language, and chart axes whose ticks never print alike.
import { describe, expect, it } from "vitest";
import { axisScale, byteScale, formatBytes, formatClock, formatDate, formatDuration, formatMoney, formatNumber, formatPercent, formatTime } from "./format";

describe("formatMoney", () => {
  it("shows ¥ in both languages (never CN¥), with cents and grouping", () => {
    expect(formatMoney(123_450, "en-US")).toBe("¥1,234.50");
    expect(formatMoney(123_450, "zh-CN")).toBe("¥1,234.50");
    expect(formatMoney(5, "en-US")).toBe("¥0.05");
    expect(formatMoney(-5, "zh-CN")).toBe("-¥0.05");
    expect(formatMoney(0, "en-US")).toBe("¥0.00");
  });
  it("signs credits and drops the cents of whole amounts when compact", () => {
    expect(formatMoney(5_000, "en-US", { signed: true })).toBe("+¥50.00");
    expect(formatMoney(-5_000, "en-US", { signed: true })).toBe("-¥50.00");
    expect(formatMoney(120_000, "zh-CN", { compact: true })).toBe("¥1,200");
    expect(formatMoney(150, "en-US", { compact: true })).toBe("¥1.50");
  });
});

describe("dates and times", () => {
  // Local time: the browser's zone, as the pages show it.
  const afternoon = new Date(2026, 2, 5, 14, 3, 9).toISOString();
  const morning = new Date(2026, 11, 31, 9, 7, 0).toISOString();
  it("are numeric and 24-hour", () => {
    expect(formatTime(afternoon)).toBe("2026-03-05 14:03");
    expect(formatTime(morning)).toBe("2026-12-31 09:07");
    expect(formatDate(afternoon)).toBe("2026-03-05");
    expect(formatClock(afternoon)).toBe("14:03");
    expect(formatClock(afternoon, { seconds: true })).toBe("14:03:09");
  });
  it("say — for nothing or nonsense", () => {
    expect(formatTime(null)).toBe("—");
    expect(formatTime(undefined)).toBe("—");
    expect(formatTime("not a date")).toBe("—");
    expect(formatClock(null)).toBe("—");
  });
});

describe("formatDuration", () => {
  it("speaks English", () => {
    expect(formatDuration(30, "en-US")).toBe("< 1 min");
    expect(formatDuration(12 * 60 + 59, "en-US")).toBe("12 min");
    expect(formatDuration(2 * 3600 + 15 * 60, "en-US")).toBe("2 h 15 min");
    expect(formatDuration(86_400, "en-US")).toBe("1 d");
    expect(formatDuration(3 * 86_400 + 4 * 3600 + 59, "en-US")).toBe("3 d 4 h");
    expect(formatDuration(3600, "en-US")).toBe("1 h");
  });
  it("speaks Chinese", () => {
    expect(formatDuration(30, "zh-CN")).toBe("不到 1 分钟");
    expect(formatDuration(12 * 60, "zh-CN")).toBe("12 分钟");
    expect(formatDuration(2 * 3600 + 15 * 60, "zh-CN")).toBe("2 小时 15 分钟");
    expect(formatDuration(86_400, "zh-CN")).toBe("1 天");
    expect(formatDuration(3 * 86_400 + 4 * 3600, "zh-CN")).toBe("3 天 4 小时");
  });
});

describe("numbers", () => {
  it("percentages keep small values visible", () => {
    expect(formatPercent(12.345)).toBe("12.3%");
    expect(formatPercent(0.254)).toBe("0.25%");
    expect(formatPercent(0)).toBe("0%");
  });
  it("bytes are in binary units, charted in the unit of their largest value", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(2 ** 30)).toBe("1.0 GB");
    expect(formatBytes(null)).toBe("");
    expect(byteScale(0)).toEqual({ divisor: 1, label: "B" });
    expect(byteScale(1023)).toEqual({ divisor: 1, label: "B" });
    expect(byteScale(760 * 1024)).toEqual({ divisor: 1024, label: "KB" });
    expect(byteScale(24_564 * 2 ** 20)).toEqual({ divisor: 2 ** 30, label: "GB" });
  });
  it("plain numbers are grouped", () => {
    expect(formatNumber(1_000_000, "en-US")).toBe("1,000,000");
    expect(formatNumber(1_000_000, "zh-CN")).toBe("1,000,000");
    expect(formatNumber(0.01, "en-US")).toBe("0.01");
  });
});

describe("axisScale", () => {
  /** The tick labels an axis with this scale prints. */
  const labels = (max: number, opts: Parameters<typeof axisScale>[1]) => {
    const s = axisScale(max, opts);
    const out: string[] = [];
    for (let v = 0; v <= s.max + s.interval / 2; v += s.interval) out.push(v.toFixed(s.decimals));
    return out;
  };
  it("gives distinct ticks for tiny percentages", () => {
    const ticks = labels(0.02, { minInterval: 0.01 });
    expect(ticks).toEqual(["0.00", "0.01", "0.02"]);
    expect(new Set(labels(0.003, { minInterval: 0.01 })).size).toBe(2);
  });
  it("uses round steps and covers the largest value", () => {
    expect(axisScale(97, { minInterval: 0.01 })).toEqual({ max: 100, interval: 25, decimals: 0 });
    expect(axisScale(1.2, { minInterval: 0.01 })).toEqual({ max: 1.5, interval: 0.5, decimals: 1 });
    expect(axisScale(0.9, { minInterval: 0.01 })).toEqual({ max: 1, interval: 0.25, decimals: 2 });
    expect(axisScale(0, { minInterval: 0.01 })).toEqual({ max: 0.01, interval: 0.01, decimals: 2 });
  });
  it("keeps whole steps for integers (bytes, cents)", () => {
    expect(axisScale(1, { integer: true })).toEqual({ max: 1, interval: 1, decimals: 0 });
    expect(axisScale(9, { integer: true })).toEqual({ max: 10, interval: 5, decimals: 0 });
    expect(axisScale(10, { integer: true }).interval).not.toBe(2.5);
    for (const max of [1, 3, 7, 9, 13, 99, 1234]) {
      const ticks = labels(max, { integer: true });
      expect(new Set(ticks).size).toBe(ticks.length);
      expect(Number(ticks.at(-1))).toBeGreaterThanOrEqual(max);
    }
  });
});
