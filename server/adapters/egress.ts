import "server-only";
import { lookup as dnsLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

// Requests the console makes on a user's behalf (http jobs, webhooks): only to public
// addresses. The host is resolved first and every address it resolves to is checked
// (loopback, private, link-local and cloud metadata, carrier-grade NAT, multicast, reserved,
// IPv4 inside IPv6 included); the request then connects to the address that was checked
// (`lookup`), so a DNS answer that changes in between (rebinding) cannot redirect it. An
// administrator's allowlist (CIDRs) opens chosen internal ranges. Each redirect is a new
// destination and is checked again by the caller.

type Range = { net: string; prefix: number; family: "ipv4" | "ipv6"; why: string };

const REFUSED: Range[] = [
  { net: "0.0.0.0", prefix: 8, family: "ipv4", why: "'this network'" },
  { net: "10.0.0.0", prefix: 8, family: "ipv4", why: "private" },
  { net: "100.64.0.0", prefix: 10, family: "ipv4", why: "carrier-grade NAT" },
  { net: "127.0.0.0", prefix: 8, family: "ipv4", why: "loopback" },
  { net: "169.254.0.0", prefix: 16, family: "ipv4", why: "link-local (cloud metadata)" },
  { net: "172.16.0.0", prefix: 12, family: "ipv4", why: "private" },
  { net: "192.0.0.0", prefix: 24, family: "ipv4", why: "IETF protocol assignments" },
  { net: "192.0.2.0", prefix: 24, family: "ipv4", why: "documentation" },
  { net: "192.168.0.0", prefix: 16, family: "ipv4", why: "private" },
  { net: "198.18.0.0", prefix: 15, family: "ipv4", why: "benchmarking" },
  { net: "198.51.100.0", prefix: 24, family: "ipv4", why: "documentation" },
  { net: "203.0.113.0", prefix: 24, family: "ipv4", why: "documentation" },
  { net: "224.0.0.0", prefix: 4, family: "ipv4", why: "multicast" },
  { net: "240.0.0.0", prefix: 4, family: "ipv4", why: "reserved" },
  { net: "::", prefix: 128, family: "ipv6", why: "unspecified" },
  { net: "::1", prefix: 128, family: "ipv6", why: "loopback" },
  { net: "64:ff9b::", prefix: 96, family: "ipv6", why: "NAT64" },
  { net: "100::", prefix: 64, family: "ipv6", why: "discard" },
  { net: "2001:db8::", prefix: 32, family: "ipv6", why: "documentation" },
  { net: "fc00::", prefix: 7, family: "ipv6", why: "unique local (private)" },
  { net: "fe80::", prefix: 10, family: "ipv6", why: "link-local" },
  { net: "ff00::", prefix: 8, family: "ipv6", why: "multicast" },
];

export class EgressRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EgressRefused";
  }
}

/** An allowlist from CIDRs ("10.1.0.0/16", "127.0.0.1/32", "fd00::/8"); a bad entry throws naming it. */
export function allowlistOf(cidrs: string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr.trim());
    const family = m ? isIP(m[1]!) : 0;
    if (!m || !family || Number(m[2]) > (family === 4 ? 32 : 128)) throw new Error(`${cidr} is not a CIDR (e.g. 10.0.0.0/8)`);
    list.addSubnet(m[1]!, Number(m[2]), family === 4 ? "ipv4" : "ipv6");
  }
  return list;
}

/** An IPv4 address carried inside an IPv6 one (::ffff:a.b.c.d, ::ffff:7f00:1), or null. */
function embeddedIpv4(address: string): string | null {
  const m = /^::ffff:(?:0:)?([0-9a-f.:]+)$/i.exec(address);
  if (!m) return null;
  if (isIP(m[1]!) === 4) return m[1]!;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(m[1]!);
  if (!hex) return null;
  const n = (Number.parseInt(hex[1]!, 16) << 16) | Number.parseInt(hex[2]!, 16);
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}

/** Why an address is not public (null when it is). */
export function refusedBecause(address: string): string | null {
  const v4 = isIP(address) === 6 ? embeddedIpv4(address) : null;
  const [addr, family] = v4 ? [v4, "ipv4" as const] : [address, isIP(address) === 4 ? ("ipv4" as const) : ("ipv6" as const)];
  for (const r of REFUSED) {
    if (r.family !== family) continue;
    const one = new BlockList();
    one.addSubnet(r.net, r.prefix, r.family);
    if (one.check(addr, family)) return r.why;
  }
  return null;
}

export type Destination = { url: URL; address: string; family: 4 | 6 };
export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * Where a request to `raw` may go: its URL and the address to connect to. Throws
 * EgressRefused naming the reason (scheme, credentials, an address that is not public).
 */
export async function checkDestination(raw: string, allow: BlockList | null, resolve: Resolver = systemResolver): Promise<Destination> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EgressRefused("is not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new EgressRefused("must be an http or https URL");
  if (url.username || url.password) throw new EgressRefused("must not carry credentials (send them in a header)");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      throw new EgressRefused(`${host} does not resolve`);
    }
  }
  if (!addresses.length) throw new EgressRefused(`${host} does not resolve`);
  // Every address counts: a name with one public and one internal address is refused.
  for (const a of addresses) {
    const why = refusedBecause(a.address);
    if (why && !allow?.check(a.address, a.family === 6 ? "ipv6" : "ipv4")) {
      throw new EgressRefused(`${host === a.address ? host : `${host} (${a.address})`} is a ${why} address; an administrator can allow it`);
    }
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** A `lookup` for http.request that answers the checked address only (no second DNS answer). */
export function pinnedLookup(d: Destination) {
  return (_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (options?.all) cb(null, [{ address: d.address, family: d.family }]);
    else cb(null, d.address, d.family);
  };
}
