// Metering arithmetic: exact hourly sums for any price, proportional partial intervals,
// and what the meter does next for each state of an instance.
import { describe, expect, it } from "vitest";
import { chargeFor, crossedLow, nextStep, planEntries, resolveRefund, type MeterRow } from "./meter";

const MIN = 60_000;
const HOUR = 60 * MIN;

describe("chargeFor", () => {
  it.each([1, 333, 99_999, 120, 7])("60 one-minute charges at %i cents/h add up to the price exactly", (price) => {
    let metered = 0;
    let sum = 0;
    for (let i = 0; i < 60; i++) {
      sum += chargeFor(price, metered, MIN);
      metered += MIN;
    }
    expect(sum).toBe(price);
  });

  it("carries remainders across any split, over many hours", () => {
    const price = 333;
    const splits = [1_234, 59_000, 7 * MIN, 1, 3 * HOUR - 1_235];
    let metered = 0;
    let sum = 0;
    for (const ms of splits) {
      sum += chargeFor(price, metered, ms);
      metered += ms;
    }
    expect(metered).toBe(3 * HOUR + 7 * MIN + 59_000);
    expect(sum).toBe(Math.floor((price * metered) / HOUR));
  });

  it("charges partial intervals in proportion", () => {
    expect(chargeFor(120, 0, 30 * MIN)).toBe(60);
    expect(chargeFor(99_999, 0, 15 * MIN)).toBe(24_999);
    expect(chargeFor(99_999, 15 * MIN, 45 * MIN)).toBe(75_000);
    // Prices far beyond 2^53 / ms stay exact.
    expect(chargeFor(99_999, 1e12, HOUR)).toBe(99_999);
  });
});

describe("nextStep", () => {
  const t0 = new Date("2026-11-27T10:00:00Z");
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const row = (over: Partial<MeterRow>): MeterRow => ({
    id: "i",
    userId: "u",
    name: "n",
    status: "running",
    pricePerHourCents: 600,
    meteredUntil: t0,
    meteredMs: 0,
    stoppedAt: null,
    deletedAt: null,
    startedAt: t0,
    ...over,
  });

  it("charges a running instance whole intervals only", () => {
    expect(nextStep(row({}), at(59_999), MIN)).toBeNull();
    expect(nextStep(row({}), at(MIN), MIN)).toEqual({ kind: "charge", from: t0, to: at(MIN), ms: MIN, amount: 10, final: false });
  });

  it("ends a stopped run with a partial charge up to the stop", () => {
    expect(nextStep(row({ status: "stopped", stoppedAt: at(90_000) }), at(10 * MIN), MIN)).toMatchObject({ kind: "charge", to: at(MIN), final: false });
    expect(nextStep(row({ status: "stopped", meteredUntil: at(MIN), meteredMs: MIN, stoppedAt: at(90_000) }), at(10 * MIN), MIN)).toEqual({
      kind: "charge",
      from: at(MIN),
      to: at(90_000),
      ms: 30_000,
      amount: 5,
      final: true,
    });
  });

  it("refunds time charged past the stop (the container exited before the meter knew), and only time that was charged", () => {
    const r = row({ status: "exited", meteredUntil: at(2 * MIN), meteredMs: 2 * MIN, stoppedAt: at(MIN + 30_000) });
    const step = nextStep(r, at(3 * MIN), MIN);
    expect(step).toMatchObject({ kind: "refund", from: at(MIN + 30_000), to: at(2 * MIN) });
    const charged = [
      { periodStart: t0, periodEnd: at(MIN) },
      { periodStart: at(MIN), periodEnd: at(2 * MIN) },
    ];
    expect(resolveRefund(r, step as never, charged)).toMatchObject({ ms: 30_000, amount: 5 });
    // The second minute was not charged (balance used up): nothing of it comes back.
    expect(resolveRefund({ ...r, meteredMs: MIN }, step as never, charged.slice(0, 1))).toMatchObject({ ms: 0, amount: 0 });
  });

  it("keeps a node clock's end within the run and never in the future", () => {
    // The node's clock is slow: its finish time is before this run began.
    expect(
      nextStep(row({ status: "exited", startedAt: at(MIN), meteredUntil: at(2 * MIN), meteredMs: 9 * MIN, stoppedAt: at(-5 * MIN) }), at(3 * MIN), MIN),
    ).toMatchObject({ kind: "refund", from: at(MIN) });
    // Fast: a finish time in the future is charged only up to now.
    expect(nextStep(row({ status: "exited", stoppedAt: at(10 * MIN) }), at(30_000), MIN)).toMatchObject({ kind: "charge", to: at(30_000), final: true });
  });

  it("a deleted running instance is charged to its deletion; an unknown one waits; nothing more without an end", () => {
    expect(nextStep(row({ status: "deleted", deletedAt: at(20_000) }), at(MIN), MIN)).toMatchObject({ kind: "charge", ms: 20_000, final: true });
    expect(nextStep(row({ status: "unknown" }), at(10 * MIN), MIN)).toBeNull();
    expect(nextStep(row({ status: "failed" }), at(10 * MIN), MIN)).toEqual({ kind: "close" });
    expect(nextStep(row({ meteredUntil: null }), at(10 * MIN), MIN)).toBeNull();
  });
});

describe("planEntries", () => {
  const t0 = new Date("2026-11-27T10:00:00Z");
  const row = (id: string): MeterRow => ({
    id,
    userId: "u",
    name: id,
    status: "running",
    pricePerHourCents: 600,
    meteredUntil: t0,
    meteredMs: 0,
    stoppedAt: null,
    deletedAt: null,
    startedAt: t0,
  });
  const charge = (id: string, amount: number) => ({
    row: row(id),
    step: { kind: "charge" as const, from: t0, to: new Date(t0.getTime() + MIN), ms: MIN, amount, final: false },
  });

  it("charges while the balance is positive: the crossing interval is the whole overdraft", () => {
    const out = planEntries("u", 15, [charge("a", 10), charge("b", 10), charge("c", 10)]);
    expect(out.entries.map((e) => [e.instanceId, e.amountCents, e.balanceAfterCents])).toEqual([
      ["a", -10, 5],
      ["b", -10, -5],
    ]);
    expect(out).toMatchObject({ balance: -5, charged: 20 });
    expect(out.forgiven.map((i) => i.row.id)).toEqual(["c"]);
  });

  it("credits refunds first in line and keys every entry by instance and time", () => {
    const refund = { row: row("r"), step: { kind: "refund" as const, from: t0, to: new Date(t0.getTime() + 30_000), ms: 30_000, amount: 5 } };
    const out = planEntries("u", 0, [charge("a", 10), refund]);
    expect(out.entries.map((e) => [e.kind, e.amountCents, e.balanceAfterCents, e.idempotencyKey])).toEqual([
      ["refund", 5, 5, `refund:r:${new Date(t0.getTime() + 30_000).toISOString()}`],
      ["usage", -10, -5, `usage:a:${t0.toISOString()}`],
    ]);
  });
});

describe("crossedLow", () => {
  // 60 cents/h with a 60-minute threshold: below 60 cents is low.
  it("is true only for the charge that takes the balance below the threshold", () => {
    expect(crossedLow(61, 60, 60, 60)).toBe(false);
    expect(crossedLow(60, 59, 60, 60)).toBe(true);
    expect(crossedLow(59, 58, 60, 60)).toBe(false);
    expect(crossedLow(500, 10, 60, 60)).toBe(true);
  });

  it("stays silent at zero (the instances stop) and when nothing runs", () => {
    expect(crossedLow(61, 0, 60, 60)).toBe(false);
    expect(crossedLow(61, -5, 60, 60)).toBe(false);
    expect(crossedLow(61, 30, 0, 60)).toBe(false);
  });
});
