import "server-only";
import { db, type Prisma, type Tx, transaction } from "../db/client";
import { containsText, pageArgs } from "../db/query";
import { env } from "../env";
import type { TRole } from "@/lib/contracts/users";

// Prisma access for users. Every query selects its fields: password hashes leave this file
// only through `findForLogin`.

const profileSelect = {
  id: true,
  username: true,
  email: true,
  nickname: true,
  role: true,
  isActive: true,
  balanceCents: true,
  createdAt: true,
  lastLoginAt: true,
} satisfies Prisma.UserSelect;

export type UserRow = Prisma.UserGetPayload<{ select: typeof profileSelect }>;

export type AuthState = { id: string; username: string; role: string; isActive: boolean; sessionVersion: number };

/**
 * Checked on every authenticated request: one plain statement, which costs the process a
 * fraction of the CPU of the equivalent findUnique (Prisma compiles each model query).
 */
export async function findAuthState(id: string): Promise<AuthState | null> {
  const param = env().dbProvider === "postgres" ? "$1" : "?";
  const rows = await db().$queryRawUnsafe<AuthState[]>(`SELECT "id", "username", "role", "isActive", "sessionVersion" FROM "User" WHERE "id" = ${param}`, id);
  return rows[0] ?? null;
}

export function findForLogin(login: string) {
  return db().user.findFirst({
    where: login.includes("@") ? { email: login } : { username: login },
    select: { ...profileSelect, passwordHash: true, sessionVersion: true },
  });
}

export function findPasswordHash(id: string) {
  return db().user.findUnique({ where: { id }, select: { passwordHash: true } });
}

export function findProfile(id: string): Promise<UserRow | null> {
  return db().user.findUnique({ where: { id }, select: profileSelect });
}

export function createUser(data: { username: string; email: string; passwordHash: string; role: TRole; selfRegistered?: boolean }): Promise<UserRow> {
  return db().user.create({ data, select: profileSelect });
}

export function updateProfile(id: string, data: { nickname?: string | null; email?: string }): Promise<UserRow> {
  return db().user.update({ where: { id }, data, select: profileSelect });
}

export function touchLastLogin(id: string): Promise<unknown> {
  return db().user.update({ where: { id }, data: { lastLoginAt: new Date() }, select: { id: true } });
}

type SecurityChange = { passwordHash?: string; role?: TRole; isActive?: boolean };

async function applyAndRevoke(tx: Tx, id: string, data: SecurityChange): Promise<UserRow & { sessionVersion: number }> {
  const user = await tx.user.update({
    where: { id },
    data: { ...data, sessionVersion: { increment: 1 } },
    select: { ...profileSelect, sessionVersion: true },
  });
  await tx.apiToken.updateMany({ where: { userId: id, revokedAt: null }, data: { revokedAt: new Date() } });
  return user;
}

/**
 * Applies a security-relevant change and ends every session and token of the user: the
 * session version moves on (sessions and login tokens carry the old one) and every API
 * token is revoked, in one transaction.
 */
export function updateAndRevokeSessions(id: string, data: SecurityChange): Promise<UserRow & { sessionVersion: number }> {
  return transaction((tx) => applyAndRevoke(tx, id, data));
}

/**
 * The active administrators' ids, locked until the transaction ends. On PostgreSQL the rows
 * are locked in id order (two callers never deadlock), and a caller that waited sees them as
 * the other committed them. SQLite runs one write transaction at a time (in this process
 * the adapter queues transactions), so reading is enough there.
 */
async function lockActiveAdmins(tx: Tx): Promise<string[]> {
  if (env().dbProvider === "postgres") {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "User" WHERE role = 'admin' AND "isActive" = true ORDER BY id FOR UPDATE`;
    return rows.map((r) => r.id);
  }
  const rows = await tx.user.findMany({ where: { role: "admin", isActive: true }, select: { id: true } });
  return rows.map((r) => r.id);
}

/**
 * Like `updateAndRevokeSessions`, for a change that may take away an active administrator
 * (demotion or deactivation): checked and applied under the lock of every active admin row,
 * so two admins demoting each other at once cannot both succeed. Answers null, changing
 * nothing, when the user is an active admin and no other one would remain.
 */
export function updateKeepingAnAdmin(id: string, data: SecurityChange): Promise<(UserRow & { sessionVersion: number }) | null> {
  return transaction(async (tx) => {
    const admins = await lockActiveAdmins(tx);
    if (admins.includes(id) && !admins.some((other) => other !== id)) return null;
    return applyAndRevoke(tx, id, data);
  });
}

export function countActiveAdmins(): Promise<number> {
  return db().user.count({ where: { role: "admin", isActive: true } });
}

export type UserListQuery = { page: number; pageSize: number; search?: string; role?: TRole; isActive?: boolean };

export async function listUsers(q: UserListQuery): Promise<{ items: UserRow[]; total: number }> {
  const where: Prisma.UserWhereInput = {
    ...(q.role ? { role: q.role } : {}),
    ...(q.isActive !== undefined ? { isActive: q.isActive } : {}),
    ...(q.search ? { OR: [{ username: containsText(q.search) }, { email: containsText(q.search) }, { nickname: containsText(q.search) }] } : {}),
  };
  const [items, total] = await Promise.all([
    db().user.findMany({ where, select: profileSelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageArgs(q) }),
    db().user.count({ where }),
  ]);
  return { items, total };
}
