// The settings page's conversions (pure): address lists typed one CIDR per line, and the
// metrics bearer token made in the browser (only its hash reaches the database).

/** The most entries an allowlist may have (as the contract says). */
export const MAX_LIST_ENTRIES = 100;

/** A list as typed (one per line; commas and spaces separate too) → its entries. */
export function listOf(text: string | undefined): string[] {
  return (text ?? "").split(/[\s,]+/).filter(Boolean);
}

/** A list for its text area: one entry per line. */
export const textOf = (list: string[]) => list.join("\n");

const OCTET = /^(?:0|[1-9]\d{0,2})$/;

/** An IPv4 or IPv6 range as the console's allowlists read it: address/prefix (host bits may be set). */
export function isCidr(value: string): boolean {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(value);
  if (!m) return false;
  const address = m[1]!;
  const prefix = Number(m[2]);
  if (/^[\d.]+$/.test(address)) {
    const parts = address.split(".");
    return parts.length === 4 && parts.every((p) => OCTET.test(p) && Number(p) <= 255) && prefix <= 32;
  }
  if (!address.includes(":") || !/^[0-9a-fA-F:.]+$/.test(address)) return false;
  // The URL parser knows IPv6 (with :: and an IPv4 tail) exactly.
  try {
    new URL(`http://[${address}]/`);
    return prefix <= 128;
  } catch {
    return false;
  }
}

/** What is wrong with a typed list: the first entry that is not a CIDR (with its line, from 1), or too many entries. */
export type ListProblem = { kind: "notCidr"; line: number; value: string } | { kind: "tooMany"; max: number };

export function listProblem(text: string | undefined): ListProblem | null {
  const lines = (text ?? "").split("\n");
  for (const [i, line] of lines.entries()) {
    const bad = listOf(line).find((e) => !isCidr(e));
    if (bad !== undefined) return { kind: "notCidr", line: i + 1, value: bad };
  }
  if (listOf(text).length > MAX_LIST_ENTRIES) return { kind: "tooMany", max: MAX_LIST_ENTRIES };
  return null;
}

/** The API names a list entry's problem "egressAllowlist.3": all of them belong under the list's one field. */
export function listFieldNames(...fields: string[]): Record<string, string> {
  return Object.fromEntries(fields.flatMap((f) => Array.from({ length: MAX_LIST_ENTRIES + 1 }, (_, i) => [`${f}.${i}`, f])));
}

/** A new metrics token: 30 random bytes as 40 base64url characters (240 bits). */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(30));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}
