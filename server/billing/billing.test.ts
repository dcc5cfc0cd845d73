// Billing arithmetic that needs no database: runway and report days.
import { describe, expect, it } from "vitest";
import { dayStarts, secondsLeft } from "./billing.service";

describe("secondsLeft", () => {
  it("is how long a balance lasts at a rate; nothing burns: null; used up: 0", () => {
    expect(secondsLeft(200, 120)).toBe(6000);
    expect(secondsLeft(200, 0)).toBeNull();
    expect(secondsLeft(-5, 120)).toBe(0);
  });
});

describe("dayStarts", () => {
  it("cuts days at the viewer's midnight", () => {
    // Beijing (UTC+8): local midnight is 16:00 UTC the day before.
    const days = dayStarts(new Date("2026-11-25T10:00:00Z"), new Date("2026-11-27T01:00:00Z"), 480);
    expect(days.map((d) => d.toISOString())).toEqual(["2026-11-24T16:00:00.000Z", "2026-11-25T16:00:00.000Z", "2026-11-26T16:00:00.000Z"]);
    expect(dayStarts(new Date("2026-11-25T10:00:00Z"), new Date("2026-11-26T00:00:00Z"), 0).map((d) => d.toISOString())).toEqual(["2026-11-25T00:00:00.000Z"]);
  });
});
