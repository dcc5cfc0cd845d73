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
 * The lines of `next` (the newest lines now) after those already shown: `seen` is the window
 * read before (of any size). Where the end of `seen` lines up with `next` best (the longest run
 * of matching lines, then the earliest place) the new lines start; when it lines up nowhere the
 * output outran the window and all of `next` is new (`gap`).
 */
export function newLines(seen: string[], next: string[], compare = 200): { lines: string[]; gap: boolean } {
  if (!seen.length) return { lines: next, gap: false };
  const k = Math.min(seen.length, compare);
  let best = -1;
  let bestLength = 0;
  for (let end = 0; end < next.length; end++) {
    // next[..end] ends with seen's last lines (as many as both have, up to k)?
    const length = Math.min(k, end + 1);
    if (length <= bestLength) continue;
    let match = true;
    for (let i = 0; i < length && match; i++) match = next[end - i] === seen[seen.length - 1 - i];
    if (match) {
      best = end;
      bestLength = length;
    }
  }
  return best < 0 ? { lines: next, gap: true } : { lines: next.slice(best + 1), gap: false };
}
