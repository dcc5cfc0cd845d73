import "server-only";
import { db } from "../db/client";

// Signed-out sessions and login tokens (RevokedSession), kept until they would have expired.

export async function insertSignOut(id: string, userId: string, expiresAt: Date): Promise<void> {
  await db().revokedSession.upsert({ where: { id }, create: { id, userId, expiresAt }, update: {} });
}

export async function isSignedOut(id: string): Promise<boolean> {
  return (await db().revokedSession.findUnique({ where: { id }, select: { id: true } })) !== null;
}

export async function deleteExpiredSignOuts(now: Date): Promise<number> {
  return (await db().revokedSession.deleteMany({ where: { expiresAt: { lt: now } } })).count;
}
