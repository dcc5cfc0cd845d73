import "server-only";
// IPv4 subnets for tenant networks: a pool (e.g. 10.200.0.0/16) cut into equal blocks
// (e.g. /26), the first block that overlaps nothing the engine already has. Pure.

export type Ipv4Cidr = { cidr: string; base: number; prefix: number };

function ipToInt(ip: string): number | null {
  const parts = ip.split(".");
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

const intToIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");

/** `a.b.c.d/p` with the host bits zero; null when it is not one. */
export function parseCidr(cidr: string): Ipv4Cidr | null {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) return null;
  const base = ipToInt(m[1]!);
  const prefix = Number(m[2]);
  if (base === null || prefix > 32) return null;
  if (base % 2 ** (32 - prefix) !== 0) return null;
  return { cidr: `${intToIp(base)}/${prefix}`, base, prefix };
}

const size = (c: Ipv4Cidr) => 2 ** (32 - c.prefix);
const overlaps = (a: Ipv4Cidr, b: Ipv4Cidr) => a.base < b.base + size(b) && b.base < a.base + size(a);

/**
 * The `skip`-th block of `/prefix` inside `pool` that overlaps none of `taken` (engine subnets;
 * IPv6 and unparsable ones are ignored), or null when the pool is full.
 */
export function freeSubnet(pool: Ipv4Cidr, prefix: number, taken: string[], skip = 0): string | null {
  if (prefix < pool.prefix || prefix > 30) return null;
  const end = pool.base + size(pool);
  // Used ranges that touch the pool, by start: one sweep over the blocks, jumping past each.
  const used = taken
    .flatMap((t) => {
      const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(t.trim());
      const c = m ? parseCidr(normalize(m[1]!, Number(m[2]))) : null;
      return c && overlaps(c, pool) ? [{ start: c.base, end: c.base + size(c) }] : [];
    })
    .sort((a, b) => a.start - b.start);
  const step = 2 ** (32 - prefix);
  let left = skip;
  let j = 0;
  for (let base = pool.base; base < end; ) {
    while (j < used.length && used[j]!.end <= base) j++;
    let blockedUntil = 0;
    for (let k = j; k < used.length && used[k]!.start < base + step; k++) blockedUntil = Math.max(blockedUntil, used[k]!.end);
    if (blockedUntil > base) {
      base = Math.ceil(blockedUntil / step) * step;
      continue;
    }
    if (left-- === 0) return `${intToIp(base)}/${prefix}`;
    base += step;
  }
  return null;
}

/** An address with host bits set (as engines sometimes report) as its network. */
function normalize(ip: string, prefix: number): string {
  const n = ipToInt(ip);
  if (n === null || prefix > 32) return `${ip}/${prefix}`;
  const block = 2 ** (32 - prefix);
  return `${intToIp(n - (n % block))}/${prefix}`;
}
