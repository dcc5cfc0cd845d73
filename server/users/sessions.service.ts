import "server-only";
import { audited } from "../audit/audit.service";
import type { Principal } from "../auth/principal";
import { emit } from "../events";
import { AppError, ref } from "../http/errors";
import * as repo from "./sessions.repo";

// Signing out: the session (browser cookie) or login token ends on the server, not just in
// the client. Its id is refused until it would have expired; its sockets and terminals end
// at once. (A password, role or status change ends all of a user's sessions instead.)

export async function signOut(s: { userId: string; credentialId: string; expiresAt: Date }): Promise<void> {
  await audited(() => repo.insertSignOut(s.credentialId, s.userId, s.expiresAt));
  emit("credential.revoked", { userId: s.userId, credentialId: s.credentialId });
}

/** POST /auth/logout: ends the credential the request came with. */
export async function signOutPrincipal(p: Principal): Promise<void> {
  if (p.via === "api-token") {
    throw new AppError("INVALID_STATE", ref("serverMessages.auth.tokenSignOut"));
  }
  if (!p.credentialId || !p.expiresAt) {
    throw new AppError(
      "INVALID_STATE",
      "This session was started before signing out was possible; it ends when it expires, or change your password to end it now",
    );
  }
  await signOut({ userId: p.userId, credentialId: p.credentialId, expiresAt: p.expiresAt });
}

/** Forgets sign-outs of sessions that have expired anyway (the retention worker). */
export function applySignOutRetention(now = new Date()): Promise<number> {
  return repo.deleteExpiredSignOuts(now);
}
