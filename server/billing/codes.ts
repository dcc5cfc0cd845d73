import "server-only";
import { createHmac, randomInt } from "node:crypto";
import { deriveKey } from "../crypto/keys";

// Recharge codes: 20 characters from an alphabet without look-alikes (no 0/O, 1/I/L, U),
// in four groups of five: log2(30) × 20 ≈ 98 bits of entropy. Stored only as an HMAC keyed
// with a key derived from the console's secret, so a copy of the database cannot be
// searched for codes offline.

export const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
const GROUPS = 4;
const GROUP = 5;
export const CODE_LENGTH = GROUPS * GROUP;
/** Bits of entropy of one code. */
export const CODE_BITS = CODE_LENGTH * Math.log2(CODE_ALPHABET.length);

export function generateCode(): string {
  const chars = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]!);
  return Array.from({ length: GROUPS }, (_, g) => chars.slice(g * GROUP, (g + 1) * GROUP).join("")).join("-");
}

/** The code as typed (any case, spaces or dashes) in canonical form; null if it cannot be one. */
export function normalizeCode(input: string): string | null {
  const plain = input.toUpperCase().replace(/[\s-]+/g, "");
  if (plain.length !== CODE_LENGTH || [...plain].some((c) => !CODE_ALPHABET.includes(c))) return null;
  return plain;
}

export function hashCode(normalized: string): string {
  return createHmac("sha256", deriveKey("recharge-code")).update(normalized).digest("hex");
}

/** The last three characters, shown in lists to recognise a code (the other 17 keep 83 bits). */
export const HINT_LENGTH = 3;
export const hintOf = (normalized: string) => normalized.slice(-HINT_LENGTH);
