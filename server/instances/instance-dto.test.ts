import { describe, expect, it } from "vitest";
import { toDto } from "./instance-dto";
import type { InstanceRow } from "./instances.repo";

const row = (over: Partial<InstanceRow>) =>
  ({
    status: "running",
    pricePerHourCents: 360,
    meteredMs: 60_000,
    meteredUntil: new Date(1_000_000),
    user: { username: "u" },
    node: null,
    allocations: [],
    ...over,
  }) as unknown as InstanceRow;

describe("instance cost and running time", () => {
  it("running time counts up to now while running; the cost is what was charged (per interval)", () => {
    const dto = toDto(row({}), 1_000_000 + 45_500);
    expect(dto.runningSeconds).toBe(106); // rounded, as the usage report rounds
    expect(dto.costCents).toBe(6);
  });

  it("a stopped instance shows what ran and was charged", () => {
    const dto = toDto(row({ status: "stopped", meteredUntil: null, meteredMs: 90_000 }), 5_000_000);
    expect(dto.runningSeconds).toBe(90);
    expect(dto.costCents).toBe(9);
  });
});
