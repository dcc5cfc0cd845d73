import { describe, expect, it } from "vitest";
import { freeSubnet, parseCidr } from "./subnets";

describe("tenant subnets", () => {
  const pool = parseCidr("10.200.0.0/16")!;

  it("parses networks and refuses what is not one", () => {
    expect(pool).toEqual({ cidr: "10.200.0.0/16", base: 10 * 2 ** 24 + 200 * 2 ** 16, prefix: 16 });
    for (const bad of ["10.200.0.1/16", "10.200.0.0", "300.1.1.0/24", "10.0.0.0/33", "x/8", ""]) expect(parseCidr(bad), bad).toBeNull();
  });

  it("takes the first block that overlaps nothing the engine has", () => {
    expect(freeSubnet(pool, 26, [])).toBe("10.200.0.0/26");
    expect(freeSubnet(pool, 26, ["172.17.0.0/16", "10.200.0.0/26", "10.200.0.64/26"])).toBe("10.200.0.128/26");
    // A wider network inside the pool covers many blocks; an address with host bits counts as its network.
    expect(freeSubnet(pool, 26, ["10.200.0.0/24", "10.200.1.5/25"])).toBe("10.200.1.128/26");
    // IPv6 and garbage are not in the way.
    expect(freeSubnet(pool, 26, ["fd00::/64", "bogus"])).toBe("10.200.0.0/26");
    // `skip` steps past blocks a concurrent creation may be taking.
    expect(freeSubnet(pool, 26, [], 2)).toBe("10.200.0.128/26");
  });

  it("fits 1,024 tenants of /26 in a /16 and then says it is full", () => {
    const all = Array.from({ length: 1024 }, (_, i) => `10.200.${Math.floor(i / 4)}.${(i % 4) * 64}/26`);
    expect(freeSubnet(pool, 26, all.slice(0, 1023))).toBe("10.200.255.192/26");
    expect(freeSubnet(pool, 26, all)).toBeNull();
    expect(freeSubnet(pool, 26, ["10.0.0.0/8"])).toBeNull();
    expect(freeSubnet(pool, 8, [])).toBeNull();
    // One after another, each takes the next free block.
    const taken: string[] = [];
    for (let i = 0; i < 64; i++) taken.push(freeSubnet(pool, 26, taken)!);
    expect(new Set(taken).size).toBe(64);
    expect(taken.at(-1)).toBe("10.200.15.192/26");
  });
});
