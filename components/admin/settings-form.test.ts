// The settings page's allowlists (one CIDR per line, checked before the server sees them)
// and the metrics token made in the browser.
import { describe, expect, it } from "vitest";
import { isCidr, listFieldNames, listOf, listProblem, randomToken } from "./settings-form";

describe("allowlists", () => {
  it("takes one CIDR per line, commas and spaces too", () => {
    expect(listOf("10.0.0.0/8\n 192.168.1.0/24, fd00::/8\n\n")).toEqual(["10.0.0.0/8", "192.168.1.0/24", "fd00::/8"]);
    expect(listOf(undefined)).toEqual([]);
  });
  it("knows IPv4 and IPv6 ranges", () => {
    for (const ok of ["10.0.0.0/8", "127.0.0.1/32", "0.0.0.0/0", "::1/128", "fd00::/8", "::ffff:10.0.0.0/104", "10.1.2.3/16"]) expect(isCidr(ok)).toBe(true);
    for (const bad of ["10.0.0.0", "10.0.0/8", "256.0.0.0/8", "10.0.0.0/33", "010.0.0.0/8", "fd00::/129", "fd00:::1/64", "example.com/8", "1.2.3.4/8/8"]) {
      expect(isCidr(bad)).toBe(false);
    }
  });
  it("names the first bad line, and too many entries", () => {
    expect(listProblem("10.0.0.0/8\n10.0.0/8")).toEqual({ kind: "notCidr", line: 2, value: "10.0.0/8" });
    expect(listProblem("10.0.0.0/8\n\n172.16.0.0/12, 10.0.0.300/8")).toEqual({ kind: "notCidr", line: 3, value: "10.0.0.300/8" });
    expect(listProblem(Array.from({ length: 101 }, (_, i) => `10.0.${i}.0/24`).join("\n"))).toEqual({ kind: "tooMany", max: 100 });
    expect(listProblem("")).toBeNull();
  });
  it("puts the server's per-entry problems under the list's field", () => {
    expect(listFieldNames("egressAllowlist")["egressAllowlist.3"]).toBe("egressAllowlist");
  });
});

describe("metrics token", () => {
  it("is 40 base64url characters the contract accepts, new each time", () => {
    const a = randomToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect(randomToken()).not.toBe(a);
  });
});
