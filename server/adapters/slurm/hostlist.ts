import "server-only";

// Slurm host lists: "cn[001-003,7],gpu1" names cn001 cn002 cn003 cn007 gpu1. Bracketed
// ranges keep their zero padding; a list larger than `max` names is cut there.

export function expandHostlist(list: string | null | undefined, max = 100_000): string[] {
  const out: string[] = [];
  if (!list) return out;
  for (const item of splitTop(list)) {
    expandOne(item.trim(), out, max);
    if (out.length >= max) break;
  }
  return out.slice(0, max);
}

function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "[") depth++;
    if (ch === "]") depth = Math.max(0, depth - 1);
    if (ch === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  parts.push(cur);
  return parts.filter((p) => p.trim() !== "");
}

function expandOne(item: string, out: string[], max: number): void {
  const open = item.indexOf("[");
  const close = open < 0 ? -1 : item.indexOf("]", open);
  if (open < 0 || close < 0) {
    out.push(item);
    return;
  }
  const head = item.slice(0, open);
  const tail = item.slice(close + 1);
  const tails: string[] = [];
  expandOne(tail, tails, max);
  for (const range of item.slice(open + 1, close).split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(range.trim());
    if (!m) {
      out.push(`${head}${range}${tail}`);
      continue;
    }
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    const width = m[1]!.length;
    for (let i = from; i <= to && out.length < max; i++) {
      for (const t of tails.length ? tails : [""]) out.push(`${head}${String(i).padStart(width, "0")}${t}`);
    }
  }
}
