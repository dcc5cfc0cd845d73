import "server-only";
import type { TRole } from "@/lib/contracts/users";
import { on } from "../events";
import { AppError, ref } from "../http/errors";
import { processSingleton } from "../singleton";
import { type AuthState, findAuthState } from "../users/users.repo";
import { isSignedOut } from "../users/sessions.repo";
import { findByHash, touchLastUsed } from "../users/tokens.repo";
import { decodeSession, readCookie, sessionCookieName } from "./session-cookie";
import { API_TOKEN_PREFIX, hashApiToken, verifyLoginToken } from "./tokens";

// Who is calling: from a bearer token (login JWT or personal API token) or the browser's
// session cookie. Every credential is checked against the user's current state, so a
// password change, deactivation or role change takes effect on the next request.

export type Principal = {
  userId: string;
  username: string;
  role: TRole;
  via: "session" | "login-token" | "api-token" | "ssh-key";
  /**
   * The credential used: the personal API token's id, or the id (`sid`) of the browser
   * session or login token. Revoking it (token revoked, signed out) ends what it opened.
   */
  credentialId?: string;
  /** When a session or login token expires (signing out keeps it refused until then). */
  expiresAt?: Date;
};

export type Credential = { userId: string; sessionVersion?: number; via: Principal["via"]; credentialId?: string; expiresAt?: Date };

async function fromApiToken(token: string): Promise<Credential | null> {
  const row = await findByHash(hashApiToken(token));
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= new Date())) return null;
  // lastUsedAt to the minute is enough; skip the write on busy tokens.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) await touchLastUsed(row.id);
  return { userId: row.userId, via: "api-token", credentialId: row.id };
}

async function credentialFrom(headers: Headers): Promise<Credential | null> {
  const authorization = headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) throw new AppError("UNAUTHENTICATED", ref("serverMessages.auth.malformedHeader"));
    const token = match[1];
    if (token.startsWith(API_TOKEN_PREFIX)) {
      const cred = await fromApiToken(token);
      if (!cred) throw new AppError("UNAUTHENTICATED", ref("serverMessages.auth.badApiToken"));
      return cred;
    }
    const claims = await verifyLoginToken(token);
    if (!claims) throw new AppError("UNAUTHENTICATED", ref("serverMessages.auth.badToken"));
    return { ...claims, via: "login-token" };
  }
  const claims = await decodeSession(readCookie(headers.get("cookie"), sessionCookieName()));
  return claims ? { ...claims, via: "session" } : null;
}

/**
 * Users' auth state as last read, for a moment: a client sending many requests at once (a
 * script, a dashboard's parallel queries) then costs one lookup, not one per request. A
 * revocation in this process (password, role or status change: "user.sessionsRevoked")
 * drops the entry at once; another console process sees it within AUTH_STATE_TTL_MS.
 */
const AUTH_STATE_TTL_MS = 1_000;
const AUTH_STATE_MAX = 10_000;
type Cached = { state: AuthState | null; until: number };
const authStates = processSingleton("auth-state-cache", () => {
  const cache = { entries: new Map<string, Cached>(), generation: 0 };
  on("user.sessionsRevoked", ({ userId }) => {
    cache.entries.delete(userId);
    cache.generation++;
  });
  return cache;
});

async function authState(userId: string): Promise<AuthState | null> {
  const hit = authStates.entries.get(userId);
  if (hit && hit.until > Date.now()) return hit.state;
  // A revocation while this read is under way must not be overwritten by what it read.
  const generation = authStates.generation;
  const state = await findAuthState(userId);
  if (generation === authStates.generation) {
    if (authStates.entries.size >= AUTH_STATE_MAX) authStates.entries.delete(authStates.entries.keys().next().value!);
    authStates.entries.set(userId, { state, until: Date.now() + AUTH_STATE_TTL_MS });
  }
  return state;
}

/**
 * Sessions and login tokens that signed out, as last read (for a moment, like auth states):
 * a sign-out in this process ("credential.revoked") counts at once; another process sees it
 * within AUTH_STATE_TTL_MS.
 */
const signOuts = processSingleton("signed-out-cache", () => {
  const cache = new Map<string, { revoked: boolean; until: number }>();
  on("credential.revoked", ({ credentialId }) => void cache.set(credentialId, { revoked: true, until: Number.POSITIVE_INFINITY }));
  return cache;
});

async function signedOut(credentialId: string): Promise<boolean> {
  const hit = signOuts.get(credentialId);
  if (hit && hit.until > Date.now()) return hit.revoked;
  const revoked = await isSignedOut(credentialId);
  if (signOuts.get(credentialId)?.revoked) return true;
  if (signOuts.size >= AUTH_STATE_MAX) signOuts.delete(signOuts.keys().next().value!);
  signOuts.set(credentialId, { revoked, until: revoked ? Number.POSITIVE_INFINITY : Date.now() + AUTH_STATE_TTL_MS });
  return revoked;
}

/**
 * The caller, or null when no credential was presented. A presented credential that is
 * invalid, revoked or belongs to a deactivated account throws UNAUTHENTICATED.
 */
export async function resolvePrincipal(headers: Headers): Promise<Principal | null> {
  const cred = await credentialFrom(headers);
  return cred && checkCredential(cred);
}

/**
 * The caller a credential names, checked against the user's current state: throws
 * UNAUTHENTICATED when it is revoked or its account deactivated. The app proxy checks the
 * session a grant was made from with it, on every request.
 */
export async function checkCredential(cred: Credential): Promise<Principal> {
  const user = await authState(cred.userId);
  if (!user) throw new AppError("UNAUTHENTICATED", ref("serverMessages.auth.accountGone"));
  if (!user.isActive) throw new AppError("UNAUTHENTICATED", ref("serverMessages.auth.accountDeactivated"));
  if (cred.sessionVersion !== undefined && cred.sessionVersion !== user.sessionVersion) {
    throw new AppError("UNAUTHENTICATED", ref("serverMessages.auth.sessionEnded"));
  }
  if (cred.via !== "api-token" && cred.credentialId && (await signedOut(cred.credentialId))) {
    throw new AppError("UNAUTHENTICATED", ref("serverMessages.auth.signedOut"));
  }
  const principal: Principal = { userId: user.id, username: user.username, role: user.role as TRole, via: cred.via };
  if (cred.credentialId) principal.credentialId = cred.credentialId;
  if (cred.expiresAt) principal.expiresAt = cred.expiresAt;
  return principal;
}
