import "server-only";
import { db, type Prisma } from "../db/client";

// Prisma access for personal API tokens. The hash never leaves this file except as a lookup key.

const tokenSelect = {
  id: true,
  name: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
} satisfies Prisma.ApiTokenSelect;

export type ApiTokenRow = Prisma.ApiTokenGetPayload<{ select: typeof tokenSelect }>;

export function createToken(data: { userId: string; name: string; prefix: string; tokenHash: string; expiresAt: Date | null }) {
  return db().apiToken.create({ data, select: tokenSelect });
}

export function listTokens(userId: string): Promise<ApiTokenRow[]> {
  return db().apiToken.findMany({ where: { userId }, select: tokenSelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 200 });
}

/** Revokes the caller's token; false when the caller has no such token. */
export async function revokeToken(userId: string, id: string): Promise<boolean> {
  const existing = await db().apiToken.findFirst({ where: { id, userId }, select: { revokedAt: true } });
  if (!existing) return false;
  if (!existing.revokedAt) await db().apiToken.update({ where: { id }, data: { revokedAt: new Date() }, select: { id: true } });
  return true;
}

export function findByHash(tokenHash: string) {
  return db().apiToken.findUnique({
    where: { tokenHash },
    select: { id: true, userId: true, expiresAt: true, revokedAt: true, lastUsedAt: true },
  });
}

export function touchLastUsed(id: string): Promise<unknown> {
  return db().apiToken.update({ where: { id }, data: { lastUsedAt: new Date() }, select: { id: true } });
}
