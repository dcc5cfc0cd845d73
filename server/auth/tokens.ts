import "server-only";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { SignJWT, jwtVerify } from "jose";
import { deriveKey } from "../crypto/keys";
import { env } from "../env";

// Bearer credentials. Login tokens are short-lived JWTs carrying the user's sessionVersion;
// personal API tokens are random strings of which only a SHA-256 hash is stored.

const ISSUER = "ai-infra-console";
export const API_TOKEN_PREFIX = "aic_";

export type LoginClaims = { userId: string; sessionVersion: number };
/** What a valid login token says: its user, session version, id (`jti`, for signing out) and expiry. */
export type VerifiedLogin = LoginClaims & { credentialId?: string; expiresAt: Date };

export async function signLoginToken(claims: LoginClaims): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + env().SESSION_TTL_HOURS * 3600_000);
  const token = await new SignJWT({ sv: claims.sessionVersion, typ: "login" })
    .setProtectedHeader({ alg: "HS256" })
    .setJti(randomUUID())
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
const verified = new Map<string, VerifiedLogin>();
const VERIFIED_MAX = 10_000;

/** The claims of a valid, unexpired login token, or null. */
export async function verifyLoginToken(token: string): Promise<VerifiedLogin | null> {
  const known = verified.get(token);
  if (known) {
    if (known.expiresAt.getTime() > Date.now()) return known;
    verified.delete(token);
    return null;
  }
  try {
    const { payload } = await jwtVerify(token, deriveKey("login-jwt"), { issuer: ISSUER, algorithms: ["HS256"] });
    if (payload.typ !== "login" || typeof payload.sub !== "string" || typeof payload.sv !== "number" || typeof payload.exp !== "number") return null;
    // Tokens from before sign-out existed have no jti: they cannot sign out, and expire as usual.
    const claims: VerifiedLogin = { userId: payload.sub, sessionVersion: payload.sv, expiresAt: new Date(payload.exp * 1000) };
    if (typeof payload.jti === "string") claims.credentialId = payload.jti;
    // The oldest entry makes room (a Map iterates in insertion order).
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    verified.set(token, claims);
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
