import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { SignJWT, jwtVerify } from "jose";
import { deriveKey } from "../crypto/keys";
import { env } from "../env";

// Bearer credentials. Login tokens are short-lived JWTs carrying the user's sessionVersion;
// personal API tokens are random strings of which only a SHA-256 hash is stored.

const ISSUER = "ai-infra-console";
export const API_TOKEN_PREFIX = "aic_";

export type LoginClaims = { userId: string; sessionVersion: number };

export async function signLoginToken(claims: LoginClaims): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + env().SESSION_TTL_HOURS * 3600_000);
  const token = await new SignJWT({ sv: claims.sessionVersion, typ: "login" })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(deriveKey("login-jwt"));
  return { token, expiresAt };
}

/**
 * Tokens whose signature was checked, until they expire: a script sends the same token with
 * every request, and checking it through WebCrypto each time cost more than the rest of the
 * authentication. (Whether the session still holds is read from the user's state: see principal.ts.)
 */
const verified = new Map<string, LoginClaims & { expiresAtMs: number }>();
const VERIFIED_MAX = 10_000;

/** The claims of a valid, unexpired login token, or null. */
export async function verifyLoginToken(token: string): Promise<LoginClaims | null> {
  const known = verified.get(token);
  if (known) {
    if (known.expiresAtMs > Date.now()) return { userId: known.userId, sessionVersion: known.sessionVersion };
    verified.delete(token);
    return null;
  }
  try {
    const { payload } = await jwtVerify(token, deriveKey("login-jwt"), { issuer: ISSUER, algorithms: ["HS256"] });
    if (payload.typ !== "login" || typeof payload.sub !== "string" || typeof payload.sv !== "number" || typeof payload.exp !== "number") return null;
    const claims = { userId: payload.sub, sessionVersion: payload.sv };
    // The oldest entry makes room (a Map iterates in insertion order).
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    verified.set(token, { ...claims, expiresAtMs: payload.exp * 1000 });
    return claims;
  } catch {
    return null;
  }
}

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A new API token: 256 random bits; `prefix` is what lists show. */
export function generateApiToken(): { token: string; prefix: string; hash: string } {
  const token = API_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, prefix: token.slice(0, API_TOKEN_PREFIX.length + 8), hash: hashApiToken(token) };
}
