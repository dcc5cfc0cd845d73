// Recharge codes: format, entropy, unambiguous alphabet, normalization and keyed hashing.
import { describe, expect, it } from "vitest";
import { CODE_ALPHABET, CODE_BITS, CODE_LENGTH, HINT_LENGTH, generateCode, hashCode, normalizeCode } from "./codes";

describe("recharge codes", () => {
  it("are four groups of five from an alphabet without look-alikes, with at least 80 bits beyond the hint lists show", () => {
    expect(CODE_BITS).toBeGreaterThanOrEqual(80);
    expect(((CODE_LENGTH - HINT_LENGTH) * CODE_BITS) / CODE_LENGTH).toBeGreaterThanOrEqual(80);
    for (const c of "01OILU") expect(CODE_ALPHABET).not.toContain(c);
    const codes = Array.from({ length: 2000 }, generateCode);
    for (const c of codes) expect(c).toMatch(/^[2-9A-HJKMNP-TV-Z]{5}(-[2-9A-HJKMNP-TV-Z]{5}){3}$/);
    expect(new Set(codes).size).toBe(codes.length);
    // Every character of the alphabet turns up (no bias towards a part of it).
    expect(new Set(codes.join("").replace(/-/g, "")).size).toBe(CODE_ALPHABET.length);
  });

  it("are read back in any case, with spaces or dashes; anything else is not a code", () => {
    const c = generateCode();
    const plain = c.replace(/-/g, "");
    expect(normalizeCode(c)).toBe(plain);
    expect(normalizeCode(` ${c.toLowerCase().replace(/-/g, " ")} `)).toBe(plain);
    expect(normalizeCode(c.slice(0, -1))).toBeNull();
    expect(normalizeCode(c.replace(/^./, "0"))).toBeNull();
  });

  it("are stored as a keyed hash, the same for the same code", () => {
    const plain = normalizeCode(generateCode())!;
    expect(hashCode(plain)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashCode(plain)).toBe(hashCode(plain));
    expect(hashCode(plain)).not.toContain(plain);
  });
});
