import "server-only";

// Readers shared by the codecs: they take what any slurmrestd version sends for a field and
// never throw on a shape they do not know (an unknown or missing field reads as null).

export type Doc = Record<string, unknown>;

export const obj = (v: unknown): Doc => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Doc) : {});
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function str(v: unknown): string | null {
  return typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : null;
}

/** A non-empty string, else null. */
export function text(v: unknown): string | null {
  const s = str(v);
  return s !== null && s.trim() !== "" ? s : null;
}

const MAX = 2 ** 48;

// Slurm's "no value" markers in plain numbers (NO_VAL, INFINITE in 16/32/64 bits).
const NO_VAL = new Set([0xfffe, 0xffff, 0xfffffffe, 0xffffffff, 2 ** 64 - 2, 2 ** 64 - 1, -1]);

/**
 * A count, time or code: sent plain (v0.0.38) or as {set, infinite, number} (v0.0.40 and
 * later). Unset, infinite, Slurm's NO_VAL/INFINITE markers, negatives and absurd values read
 * as null; fractions are cut to whole numbers (nothing a hostile answer sends reaches billing
 * or the API as a non-integer).
 */
export function num(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) && !NO_VAL.has(v) && v >= 0 && v <= MAX ? Math.floor(v) : null;
  if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim())) return num(Number(v));
  const o = obj(v);
  if ("number" in o) {
    if (o.set === false || o.infinite === true) return null;
    return num(o.number);
  }
  return null;
}

/** Whether a number field says "no limit" (infinite struct, or Slurm's INFINITE marker). */
export function isInfinite(v: unknown): boolean {
  if (typeof v === "number") return v === 0xffffffff || v === 2 ** 64 - 1;
  return obj(v).infinite === true;
}

/** Unix seconds (plain or struct) as a Date; 0 and unset are null. */
export function time(v: unknown): Date | null {
  const n = num(v);
  return n !== null && n > 0 ? new Date(n * 1000) : null;
}

/**
 * A state, sent as a string ("PENDING", "idle") or a list (["RUNNING", "COMPLETING"]): the
 * base state in upper case, and the rest as flags.
 */
export function states(v: unknown, extraFlags: unknown = []): { state: string; flags: string[] } {
  const all = (typeof v === "string" ? v.split(/[+,]/) : list(v).map(str))
    .filter((s): s is string => !!s && s.trim() !== "")
    .map((s) => s.trim().toUpperCase());
  const flags = [
    ...all.slice(1),
    ...list(extraFlags)
      .map(str)
      .filter((s): s is string => !!s)
      .map((s) => s.toUpperCase()),
  ];
  return { state: all[0] ?? "UNKNOWN", flags: [...new Set(flags)] };
}

/** "cpu=4,mem=8G,node=1,gres/gpu=2" → { cpu: "4", ... }. */
export function tres(v: unknown): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of (str(v) ?? "").split(",")) {
    const i = part.indexOf("=");
    if (i > 0) m.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return m;
}

/** GPUs in a TRES string (gres/gpu=2, or per-type gres/gpu:a100=2 summed when no total). */
export function gpusOfTres(v: unknown): number {
  const t = tres(v);
  const total = t.get("gres/gpu");
  if (total !== undefined) return whole(total);
  let sum = 0;
  for (const [k, val] of t) if (k.startsWith("gres/gpu:")) sum += whole(val);
  return sum;
}

/** A non-negative whole count from text (anything else: 0). */
function whole(v: string): number {
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) && n > 0 && n <= 1_000_000 ? n : 0;
}

/**
 * GPUs in a GRES string: "gpu:2", "gpu:a100:2(S:0-1)", "gpu:a100:2(IDX:0-1),gpu:v100:1",
 * "gres/gpu:2" or "gres:gpu:2".
 */
export function gpusOfGres(v: unknown): number {
  let sum = 0;
  for (const raw of (str(v) ?? "").split(/,(?![^(]*\))/)) {
    const part = raw
      .replace(/\(.*\)$/, "")
      .replace(/^gres[:/]/, "")
      .trim();
    const bits = part.split(":");
    if (bits[0] !== "gpu") continue;
    sum += bits.length === 1 ? 1 : whole(bits[bits.length - 1] ?? "");
  }
  return sum;
}

/** The release string of a document's meta (meta.Slurm on 22.05, meta.slurm later). */
export function releaseOf(doc: unknown): string | null {
  const meta = obj(obj(doc).meta);
  const slurm = obj(meta.slurm ?? meta.Slurm);
  const release = text(slurm.release);
  if (release) return release;
  const v = obj(slurm.version);
  const parts = [v.major, v.minor, v.micro].map(str);
  return parts.every((p) => p !== null) ? parts.join(".") : null;
}

export function clusterOf(doc: unknown): string | null {
  const meta = obj(obj(doc).meta);
  return text(obj(meta.slurm ?? meta.Slurm).cluster);
}
