// Cron schedules as the scheduler applies them: validation naming the field, fire times in a
// time zone across daylight-saving changes (a missing hour fires once, a repeated hour once),
// and what a pass does after a stall or an outage (misfire: skip or one catch-up, never a storm).
import { describe, expect, it } from "vitest";
import { describeCron } from "@/lib/schedule-words";
import { nextFires, ON_TIME_MS, planFires, scheduleProblem } from "./schedule";

const iso = (d: Date | null) => d?.toISOString() ?? null;
const at = (s: string) => new Date(s);

describe("validation", () => {
  it("names the field and says why", () => {
    expect(scheduleProblem({ cron: "0 2 * * *", timezone: "Europe/Berlin" })).toBeNull();
    expect(scheduleProblem({ cron: "*/5 * * * * *", timezone: "UTC" })).toBeNull();
    expect(scheduleProblem({ cron: "61 * * * *", timezone: "UTC" })).toEqual({ path: "cron", message: expect.stringContaining("minute") });
    expect(scheduleProblem({ cron: "every day", timezone: "UTC" })).toMatchObject({ path: "cron" });
    expect(scheduleProblem({ cron: "0 0 31 2 *", timezone: "UTC" })).toEqual({ path: "cron", message: "never fires (no such date)" });
    expect(scheduleProblem({ cron: "0 2 * * *", timezone: "Mars/Base" })).toMatchObject({ path: "timezone" });
  });
});

describe("daylight saving", () => {
  it("Europe/Berlin, spring forward (02:00 → 03:00): 02:30 does not exist that day and fires once, at 03:00", () => {
    const s = { cron: "30 2 * * *", timezone: "Europe/Berlin" };
    expect(nextFires(s, at("2027-03-26T12:00:00Z"), 3).map(iso)).toEqual([
      "2027-03-27T01:30:00.000Z", // 02:30 CET
      "2027-03-28T01:00:00.000Z", // 03:00 CEST, the only fire that day
      "2027-03-29T00:30:00.000Z", // 02:30 CEST
    ]);
  });

  it("Europe/Berlin, fall back (03:00 → 02:00): 02:30 happens twice and fires once", () => {
    const s = { cron: "30 2 * * *", timezone: "Europe/Berlin" };
    const fires = nextFires(s, at("2027-10-30T12:00:00Z"), 3).map(iso);
    expect(fires).toEqual(["2027-10-31T00:30:00.000Z", "2027-11-01T01:30:00.000Z", "2027-11-02T01:30:00.000Z"]);
  });

  it("America/New_York: hourly jobs across both changes fire once per wall-clock hour that exists", () => {
    const s = { cron: "0 * * * *", timezone: "America/New_York" };
    // 2027-03-14: 02:00 EST → 03:00 EDT. Between 01:00 and 04:00 local: 01:00, 03:00, 04:00.
    expect(nextFires(s, at("2027-03-14T05:30:00Z"), 3).map(iso)).toEqual([
      "2027-03-14T06:00:00.000Z", // 01:00 EST
      "2027-03-14T07:00:00.000Z", // 03:00 EDT
      "2027-03-14T08:00:00.000Z", // 04:00 EDT
    ]);
    // 2027-11-07: 02:00 EDT → 01:00 EST. Every real hour fires once, none twice.
    const fall = nextFires(s, at("2027-11-07T04:30:00Z"), 4).map(iso);
    expect(new Set(fall).size).toBe(4);
    expect(fall[0]).toBe("2027-11-07T05:00:00.000Z"); // 01:00 EDT
  });

  it("a daily job at 02:30 in New York fires exactly once on both change days", () => {
    const s = { cron: "30 2 * * *", timezone: "America/New_York" };
    for (const day of ["2027-03-14", "2027-11-07"]) {
      const from = at(`${day}T00:00:00-05:00`);
      const to = new Date(from.getTime() + 24 * 3600_000);
      const fires = nextFires(s, from, 3).filter((d) => d < to);
      expect(fires, day).toHaveLength(1);
    }
  });
});

describe("a scheduler pass", () => {
  const everySecond = { cron: "* * * * * *", timezone: "UTC" };
  const t0 = at("2027-01-01T00:00:00Z");
  const plus = (ms: number) => new Date(t0.getTime() + ms);

  it("fires what is due on time, and only that", () => {
    expect(planFires(everySecond, t0, plus(-10), "skip")).toEqual({ fires: [], nextRunAt: t0, missed: 0 });
    const p = planFires(everySecond, t0, plus(200), "skip");
    expect(p.fires).toEqual([{ at: t0, catchUp: false }]);
    expect(iso(p.nextRunAt)).toBe(iso(plus(1000)));
  });

  it("a pass that ran a little late still fires every second it covers (no second lost)", () => {
    const p = planFires(everySecond, t0, plus(ON_TIME_MS - 100), "skip");
    expect(p.fires.map((f) => iso(f.at))).toEqual([iso(t0), iso(plus(1000))]);
    expect(p.missed).toBe(0);
  });

  it("after a 10 s outage: `skip` runs none of the missed times, `once` one catch-up; then on schedule", () => {
    const now = plus(10_000 + 200);
    const skip = planFires(everySecond, t0, now, "skip");
    expect(skip.fires.filter((f) => f.catchUp)).toEqual([]);
    expect(skip.missed).toBeGreaterThanOrEqual(8);
    const once = planFires(everySecond, t0, now, "once");
    expect(once.fires.filter((f) => f.catchUp)).toEqual([{ at: t0, catchUp: true }]);
    for (const p of [skip, once]) {
      // The on-time part is only the last moments; the next fire is in the future.
      expect(p.fires.filter((f) => !f.catchUp).length).toBeLessThanOrEqual(2);
      expect(p.nextRunAt!.getTime()).toBeGreaterThan(now.getTime());
    }
  });

  it("a month of downtime on a per-second schedule is one step, not a storm", () => {
    const p = planFires(everySecond, t0, plus(30 * 86_400_000), "once");
    expect(p.fires.filter((f) => f.catchUp)).toHaveLength(1);
    expect(p.fires.length).toBeLessThanOrEqual(3);
    expect(p.nextRunAt!.getTime()).toBeGreaterThan(plus(30 * 86_400_000).getTime());
  });
});

describe("schedules in words", () => {
  it("says an expression in English and Chinese, and nothing for a bad one", () => {
    expect(describeCron("0 3 * * 1", "en-US")).toBe("At 03:00, only on Monday");
    expect(describeCron("0 3 * * 1", "zh-CN")).toMatch(/03:00/);
    expect(describeCron("0 3 * * 1", "zh-CN")).toMatch(/星期一/);
    expect(describeCron("*/5 * * * * *", "en-US")).toBe("Every 5 seconds");
    expect(describeCron("not cron", "en-US")).toBeNull();
  });
});
