import { describe, expect, it } from "vitest";
import { expandHostlist } from "./hostlist";

describe("expandHostlist", () => {
  it("expands ranges with padding, lists and plain names", () => {
    expect(expandHostlist("cn[001-003,7],gpu1")).toEqual(["cn001", "cn002", "cn003", "cn7", "gpu1"]);
    expect(expandHostlist("vm")).toEqual(["vm"]);
    expect(expandHostlist("")).toEqual([]);
    expect(expandHostlist(null)).toEqual([]);
  });
  it("handles a suffix after the brackets and nested ranges", () => {
    expect(expandHostlist("r[1-2]n[1-2]")).toEqual(["r1n1", "r1n2", "r2n1", "r2n2"]);
    expect(expandHostlist("a[1-2]-ib")).toEqual(["a1-ib", "a2-ib"]);
  });
  it("stops at the cap", () => {
    expect(expandHostlist("n[1-1000000]", 5)).toHaveLength(5);
  });
});
