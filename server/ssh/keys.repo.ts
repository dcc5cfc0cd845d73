import "server-only";
import { db, type Prisma } from "../db/client";

// Prisma access for users' SSH public keys.

const keySelect = {
  id: true,
  userId: true,
  name: true,
  algorithm: true,
  bits: true,
  fingerprint: true,
  publicKey: true,
  comment: true,
  createdAt: true,
  lastUsedAt: true,
} satisfies Prisma.SshKeySelect;

export type SshKeyRow = Prisma.SshKeyGetPayload<{ select: typeof keySelect }>;

/** At most this many keys per account. */
export const MAX_KEYS_PER_USER = 50;

export function listKeys(userId: string): Promise<SshKeyRow[]> {
  return db().sshKey.findMany({ where: { userId }, select: keySelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: MAX_KEYS_PER_USER });
}

export function countKeys(userId: string): Promise<number> {
  return db().sshKey.count({ where: { userId } });
}

export function createKey(data: Omit<SshKeyRow, "id" | "createdAt" | "lastUsedAt">): Promise<SshKeyRow> {
  return db().sshKey.create({ data, select: keySelect });
}

/** Deletes the user's key; false when they have no such key. */
export async function deleteKey(userId: string, id: string): Promise<boolean> {
  const { count } = await db().sshKey.deleteMany({ where: { id, userId } });
  return count > 0;
}

export function findByFingerprint(fingerprint: string) {
  return db().sshKey.findUnique({
    where: { fingerprint },
    select: { id: true, userId: true, name: true, publicKey: true, user: { select: { username: true, role: true, isActive: true } } },
  });
}

export function keyExists(id: string): Promise<boolean> {
  return db()
    .sshKey.findUnique({ where: { id }, select: { id: true } })
    .then(Boolean);
}

export async function touchUsed(id: string): Promise<void> {
  await db().sshKey.updateMany({ where: { id }, data: { lastUsedAt: new Date() } });
}
