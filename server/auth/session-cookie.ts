import "server-only";
import { decode } from "next-auth/jwt";
import { deriveKey } from "../crypto/keys";
import { env } from "../env";

// The browser session: a next-auth JWT (encrypted) in one cookie whose name we fix, so the
// route wrapper, the page guard and the socket.io handshake all read it the same way.

export function secureCookies(): boolean {
  return env().PUBLIC_URL?.startsWith("https://") ?? false;
}

export function sessionCookieName(): string {
  return secureCookies() ? "__Secure-aic.session" : "aic.session";
}

export function sessionSecret(): string {
  return deriveKey("session-jwt").toString("hex");
}

/** A session cookie's user, session version, id (`sid`, for signing out; absent on older cookies) and expiry. */
export type SessionClaims = { userId: string; sessionVersion: number; credentialId?: string; expiresAt?: Date };

/** The claims of a valid session cookie value, or null. */
export async function decodeSession(value: string | undefined): Promise<SessionClaims | null> {
  if (!value) return null;
  try {
    const token = await decode({ token: value, secret: sessionSecret() });
    if (!token || typeof token.uid !== "string" || typeof token.sv !== "number") return null;
    const claims: SessionClaims = { userId: token.uid, sessionVersion: token.sv };
    if (typeof token.sid === "string") claims.credentialId = token.sid;
    if (typeof token.exp === "number") claims.expiresAt = new Date(token.exp * 1000);
    return claims;
  } catch {
    return null;
  }
}

/** Every value a Cookie header gives a cookie name (a name sent more than once gives them all). */
export function cookieValues(header: string | null | undefined, name: string): string[] {
  const out: string[] = [];
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) out.push(decodeURIComponent(part.slice(eq + 1).trim()));
  }
  return out;
}

/**
 * A cookie's value from a Cookie header; undefined when absent or sent more than once: the
 * second one was set by someone else (cookies are shared by every port of a host, and an app
 * served on another port may set one named like ours for a narrower path, which the browser
 * then sends first).
 */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  const values = cookieValues(header, name);
  return values.length === 1 ? values[0] : undefined;
}
