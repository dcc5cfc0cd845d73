// Following output by polling (the console's log endpoints answer the newest lines): what is
// new in a fresh window of lines, given the one before. Pure, so it is tested on its own.

/** Nanoseconds since the epoch of a Docker RFC3339Nano timestamp ("2026-12-02T10:00:01.5Z"), or null. */
export function timestampNs(ts: string): bigint | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(ts);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return null;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? "").padEnd(9, "0"));
}

/** A line of `docker logs --timestamps`: its time and its text. */
export function splitTimestamp(line: string): { ns: bigint | null; text: string } {
  const space = line.indexOf(" ");
  const ns = space > 0 ? timestampNs(line.slice(0, space)) : null;
  return ns === null ? { ns: null, text: line } : { ns, text: line.slice(space + 1) };
}

/**
 * The lines of `next` after those already seen: `seen` is the end of the previous window. The
 * newest lines of `seen` that `next` holds in order mark where the new ones start; when none are
 * found the output outran the window, and all of `next` is new (`gap`).
 */
export function newLines(seen: string[], next: string[]): { lines: string[]; gap: boolean } {
  if (!seen.length) return { lines: next, gap: false };
  for (let overlap = Math.min(seen.length, next.length); overlap > 0; overlap--) {
    // next starts with seen's last `overlap` lines?
    let match = true;
    for (let k = 0; k < overlap && match; k++) match = next[k] === seen[seen.length - overlap + k];
    if (match) return { lines: next.slice(overlap), gap: false };
  }
  return { lines: next, gap: true };
}
