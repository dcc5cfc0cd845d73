import "server-only";
import { randomBytes } from "node:crypto";
import type { TRegisterRequest } from "@/lib/contracts/auth";
import type { TAdminCreateUserRequest, TAdminUpdateUserRequest, TRole, TUpdateMeRequest } from "@/lib/contracts/users";
import { audited, auditedAction, auditNote, SYSTEM_ACTOR } from "../audit/audit.service";
import { hashPassword, verifyPassword } from "../auth/password";
import type { Principal } from "../auth/principal";
import { signLoginToken } from "../auth/tokens";
import { env } from "../env";
import { emit } from "../events";
import { AppError, isUniqueViolation, notFound, ref } from "../http/errors";
import { consumeOrThrow, lockIfSpent, resetLimit } from "../http/rate-limit";
import { getSettings } from "../settings/settings.service";
import * as repo from "./users.repo";

// Accounts: sign-in with throttling, registration, profile, password, admin changes.

export type LoginResult = { user: repo.UserRow; sessionVersion: number };

/** The lockout key: the account, whether named by username or email; an unknown login by its text. */
function loginKey(found: { id: string } | null, login: string): string {
  return found ? `user:${found.id}` : `login:${login}`;
}

/**
 * Checks a username-or-email and password. Throttled per client IP (every attempt) and per
 * account (consecutive failures lock it, counted together for its username and email;
 * unknown logins are counted per login so that probing is throttled too). Used by both the
 * API login and the browser sign-in.
 */
export async function authenticate(login: string, password: string, ip: string): Promise<LoginResult> {
  const normalized = login.trim().toLowerCase();
  await consumeOrThrow("login-ip", ip, "RATE_LIMITED", "Too many sign-in attempts from this address");
  const found = await repo.findForLogin(normalized);
  // Who tried is not known until the password is right: the account the login names is the
  // target (a failed attempt is not its owner's doing), the login as typed is kept.
  auditNote({ target: { type: "user", id: found?.id ?? null, name: found?.username ?? null }, detail: { login: normalized.slice(0, 64) } });
  const key = loginKey(found, normalized);
  // The attempt is counted before the password is checked: parallel guesses cannot outrun the lock.
  await consumeOrThrow("login-account", key, "ACCOUNT_LOCKED", "Account locked after repeated failed sign-ins");

  const ok = await verifyPassword(found?.passwordHash ?? null, password);
  if (!found || !ok) {
    await lockIfSpent("login-account", key);
    throw new AppError("INVALID_CREDENTIALS", ref("serverMessages.auth.wrongCredentials"));
  }
  if (!found.isActive) throw new AppError("ACCOUNT_DISABLED", ref("serverMessages.auth.deactivated"));

  await resetLimit("login-account", key);
  auditNote({ actor: { type: "user", id: found.id, name: found.username } });
  await audited(() => repo.touchLastLogin(found.id));
  const { passwordHash: _hash, sessionVersion, ...user } = found;
  return { user: { ...user, lastLoginAt: new Date() }, sessionVersion };
}

export async function loginForToken(login: string, password: string, ip: string) {
  const { user, sessionVersion } = await authenticate(login, password, ip);
  const { token, expiresAt } = await signLoginToken({ userId: user.id, sessionVersion });
  return { token, expiresAt, user };
}

function conflictFromUnique(err: unknown, email: string | undefined): never {
  if (isUniqueViolation(err)) {
    // Which column clashed is not reliably reported by every driver adapter: ask again.
    throw new AppError("CONFLICT", ref(email ? "serverMessages.auth.usernameOrEmailTaken" : "serverMessages.auth.usernameTaken"));
  }
  throw err;
}

async function assertAvailable(username: string | undefined, email: string | undefined, exceptId?: string) {
  if (username) {
    const u = await repo.findForLogin(username);
    if (u && u.id !== exceptId) {
      throw new AppError("CONFLICT", ref("serverMessages.auth.usernameTakenField"), { issues: [{ path: "username", message: "is already taken" }] });
    }
  }
  if (email) {
    const u = await repo.findForLogin(email);
    if (u && u.id !== exceptId) {
      throw new AppError("CONFLICT", ref("serverMessages.auth.emailTakenField"), { issues: [{ path: "email", message: "is already registered" }] });
    }
  }
}

async function createAccount(input: TRegisterRequest & { role: TRole; selfRegistered?: boolean }): Promise<repo.UserRow> {
  await assertAvailable(input.username, input.email);
  const passwordHash = await hashPassword(input.password);
  return audited(async () => {
    const user = await repo
      .createUser({ username: input.username, email: input.email, passwordHash, role: input.role, selfRegistered: input.selfRegistered ?? false })
      .catch((err) => conflictFromUnique(err, input.email));
    auditNote({ target: { type: "user", id: user.id, name: user.username } });
    // Registering: the new account is who acted.
    if (input.selfRegistered) auditNote({ actor: { type: "user", id: user.id, name: user.username } });
    return user;
  });
}

export async function register(input: TRegisterRequest, ip: string): Promise<repo.UserRow> {
  if (!(await getSettings()).registrationEnabled) {
    throw new AppError("REGISTRATION_DISABLED", ref("serverMessages.auth.registrationOff"));
  }
  await consumeOrThrow("register-ip", ip, "RATE_LIMITED", "Too many registrations from this address");
  auditNote({ actor: { type: "user", id: null, name: input.username }, target: { type: "user", name: input.username } });
  return createAccount({ ...input, role: "user", selfRegistered: true });
}

export async function adminCreateUser(input: TAdminCreateUserRequest): Promise<repo.UserRow> {
  auditNote({ target: { type: "user", name: input.username }, detail: { username: input.username, email: input.email, role: input.role } });
  return createAccount(input);
}

export async function getProfile(userId: string): Promise<repo.UserRow> {
  const user = await repo.findProfile(userId);
  if (!user) throw notFound("User");
  return user;
}

export async function updateMe(p: Principal, input: TUpdateMeRequest): Promise<repo.UserRow> {
  await assertAvailable(undefined, input.email, p.userId);
  auditNote({ target: { type: "user", id: p.userId, name: p.username }, detail: input });
  return audited(() => repo.updateProfile(p.userId, input).catch((err) => conflictFromUnique(err, input.email)));
}

export async function changePassword(p: Principal, currentPassword: string, newPassword: string) {
  auditNote({ target: { type: "user", id: p.userId, name: p.username } });
  await consumeOrThrow("password-user", p.userId, "RATE_LIMITED", "Too many wrong current passwords; password changes are locked");
  const row = await repo.findPasswordHash(p.userId);
  if (!row || !(await verifyPassword(row.passwordHash, currentPassword))) {
    await lockIfSpent("password-user", p.userId);
    throw new AppError("INVALID_CREDENTIALS", ref("serverMessages.auth.currentPasswordWrong"), {
      issues: [{ path: "currentPassword", message: "is wrong" }],
    });
  }
  await resetLimit("password-user", p.userId);
  if (currentPassword === newPassword) {
    throw new AppError("VALIDATION_FAILED", ref("serverMessages.auth.newPasswordSame"), {
      issues: [{ path: "newPassword", message: "must differ from the current password" }],
    });
  }
  const passwordHash = await hashPassword(newPassword);
  const user = await audited(() => repo.updateAndRevokeSessions(p.userId, { passwordHash }));
  emit("user.sessionsRevoked", { userId: p.userId });
  return signLoginToken({ userId: user.id, sessionVersion: user.sessionVersion });
}

export function listUsers(q: repo.UserListQuery) {
  return repo.listUsers(q);
}

export async function adminUpdateUser(actor: Principal, id: string, input: TAdminUpdateUserRequest) {
  const target = await repo.findProfile(id);
  if (!target) throw notFound("User");
  auditNote({ target: { type: "user", id, name: target.username } });
  const changes: { role?: TRole; isActive?: boolean } = {};
  if (input.role !== undefined && input.role !== target.role) changes.role = input.role;
  if (input.isActive !== undefined && input.isActive !== target.isActive) changes.isActive = input.isActive;
  if (Object.keys(changes).length === 0) return target;

  if (id === actor.userId) {
    throw new AppError("CONFLICT", ref("serverMessages.auth.ownRole"));
  }
  // Decided again under a lock, from the rows as they are then: the read above may be stale.
  const mayRemoveAdmin = changes.role === "user" || changes.isActive === false;
  auditNote({ detail: { ...changes, previous: { role: target.role, isActive: target.isActive } } });
  const updated = await audited(async () => {
    const row = mayRemoveAdmin ? await repo.updateKeepingAnAdmin(id, changes) : await repo.updateAndRevokeSessions(id, changes);
    if (!row) throw new AppError("CONFLICT", ref("serverMessages.auth.lastAdmin"));
    return row;
  });
  const { sessionVersion: _v, ...user } = updated;
  emit("user.sessionsRevoked", { userId: id });
  return user;
}

function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

export type EnsureAdminResult =
  | { created: false; nameTaken?: undefined }
  /** No active administrator, and ADMIN_USERNAME belongs to another account: nothing created. */
  | { created: false; nameTaken: string }
  | { created: true; nameTaken?: undefined; username: string; generatedPassword?: string };

/**
 * Creates the first administrator when there is none. Its password comes from
 * ADMIN_PASSWORD or is generated; a generated one is returned so the caller can show it
 * once (it is never logged).
 */
export async function ensureAdmin(): Promise<EnsureAdminResult> {
  if ((await repo.countActiveAdmins()) > 0) return { created: false };
  const { ADMIN_USERNAME, ADMIN_EMAIL, ADMIN_PASSWORD } = env();
  // An account holding the name is not taken over silently: the operator recovers one
  // explicitly (recoverAdmin), and the console serves meanwhile.
  if (await repo.findForLogin(ADMIN_USERNAME)) return { created: false, nameTaken: ADMIN_USERNAME };
  const generatedPassword = ADMIN_PASSWORD ? undefined : generatePassword();
  const passwordHash = await hashPassword(ADMIN_PASSWORD ?? generatedPassword!);
  await auditedAction({ action: "user.admin_created", actor: SYSTEM_ACTOR, target: { type: "user", name: ADMIN_USERNAME } }, () =>
    audited(async () => {
      const user = await repo.createUser({ username: ADMIN_USERNAME, email: ADMIN_EMAIL, passwordHash, role: "admin" });
      auditNote({ target: { type: "user", id: user.id } });
    }),
  );
  return { created: true, username: ADMIN_USERNAME, generatedPassword };
}

/**
 * The operator's way back in (the `recover-admin` command on the server, never an API
 * route): makes the account an active administrator with a new generated password and ends
 * its sessions and tokens. The password is returned to be shown once, never logged.
 */
export async function recoverAdmin(login: string): Promise<{ username: string; password: string }> {
  const found = await repo.findForLogin(login.trim().toLowerCase());
  if (!found) throw notFound(ref("serverMessages.things.account", { login }));
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  await auditedAction(
    {
      action: "user.admin_recovered",
      actor: SYSTEM_ACTOR,
      target: { type: "user", id: found.id, name: found.username },
    },
    async () => {
      auditNote({ detail: { previousRole: found.role, wasActive: found.isActive } });
      await audited(() => repo.updateAndRevokeSessions(found.id, { role: "admin", isActive: true, passwordHash }));
    },
  );
  emit("user.sessionsRevoked", { userId: found.id });
  return { username: found.username, password };
}
