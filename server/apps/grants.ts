import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { deriveKey } from "../crypto/keys";

// What lets a browser into one app: a grant, signed by the console, for one user's session,
// one instance and one port. The console hands it over as a ticket (a minute, once) in a
// redirect to the app's origin, which keeps it as that origin's own cookie. The console's
// session cookie never serves there, and the app's origin cannot use the grant elsewhere.

export type AppMode = "path" | "domain";

export type Grant = {
  /** The session it was made from: user, session version and session id (checked on each use). */
  uid: string;
  sv: number;
  sid?: string;
  iid: string;
  port: number;
  mode: AppMode;
  /** Expiry, ms since the epoch. */
  exp: number;
  /** Tickets: where to go on the app's origin, and a nonce (a ticket serves once). */
  to?: string;
  n?: string;
  /** Tickets: the state of the browser that asked (its cookie on the app's origin must match). */
  st?: string;
  /** Tickets: when the session it came from expires (ms): the grant does not outlive it. */
  sx?: number;
};

type Kind = "ticket" | "cookie";

function mac(kind: Kind, body: string): Buffer {
  return createHmac("sha256", deriveKey("app-proxy")).update(`${kind}.${body}`).digest();
}

export function signGrant(kind: Kind, g: Grant): string {
  const body = Buffer.from(JSON.stringify(kind === "ticket" ? { ...g, n: randomBytes(12).toString("base64url") } : g)).toString("base64url");
  return `${body}.${mac(kind, body).toString("base64url")}`;
}

/** The grant a value carries when the console signed it as `kind` and it has not expired; else null. */
export function verifyGrant(kind: Kind, value: string, now = Date.now()): Grant | null {
  if (value.length > 4096) return null;
  const dot = value.indexOf(".");
  if (dot <= 0) return null;
  const body = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1), "base64url");
  const expected = mac(kind, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let g: Grant;
  try {
    g = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Grant;
  } catch {
    return null;
  }
  if (typeof g.uid !== "string" || typeof g.iid !== "string" || typeof g.port !== "number" || typeof g.sv !== "number") return null;
  if (typeof g.exp !== "number" || g.exp <= now) return null;
  return g;
}

/** Tickets already used (until they expire anyway): a ticket in a leaked URL or history opens nothing. */
const used = new Map<string, number>();

export function spendTicket(g: Grant, now = Date.now()): boolean {
  if (!g.n || used.has(g.n)) return false;
  for (const [n, exp] of used) if (exp <= now) used.delete(n);
  used.set(g.n, g.exp);
  return true;
}
