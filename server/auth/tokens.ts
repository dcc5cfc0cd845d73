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

/** The claims of a valid, unexpired login token, or null. */
export async function verifyLoginToken(token: string): Promise<LoginClaims | null> {
  try {
    const { payload } = await jwtVerify(token, deriveKey("login-jwt"), { issuer: ISSUER, algorithms: ["HS256"] });
    if (payload.typ !== "login" || typeof payload.sub !== "string" || typeof payload.sv !== "number") return null;
    return { userId: payload.sub, sessionVersion: payload.sv };
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
