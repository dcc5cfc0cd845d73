import "server-only";
import { db, type Prisma } from "../db/client";
import { pageArgs } from "../db/query";

// Notifications' storage: rows per user, newest first, read once.

export type NotificationRow = Prisma.NotificationGetPayload<object>;
export type NewNotification = { userId: string; kind: string; params: string; link: string | null };

/** Stores notifications in one statement; answers them as stored. */
export function createNotifications(rows: NewNotification[]): Promise<NotificationRow[]> {
  return db().notification.createManyAndReturn({ data: rows });
}

export async function listNotifications(userId: string, q: { page: number; pageSize: number; unread?: boolean }) {
  const where: Prisma.NotificationWhereInput = { userId, ...(q.unread ? { readAt: null } : {}) };
  const [rows, total, unreadCount] = await Promise.all([
    db().notification.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageArgs(q) }),
    db().notification.count({ where }),
    q.unread ? null : db().notification.count({ where: { userId, readAt: null } }),
  ]);
  return { rows, total, unreadCount: unreadCount ?? total };
}

export function unreadCount(userId: string): Promise<number> {
  return db().notification.count({ where: { userId, readAt: null } });
}

/** Marks one of the user's notifications read (if it is not yet); null when the user has no such notification. */
export async function markRead(userId: string, id: string, now = new Date()): Promise<NotificationRow | null> {
  await db().notification.updateMany({ where: { id, userId, readAt: null }, data: { readAt: now } });
  return db().notification.findFirst({ where: { id, userId } });
}

export async function markAllRead(userId: string, now = new Date()): Promise<number> {
  return (await db().notification.updateMany({ where: { userId, readAt: null }, data: { readAt: now } })).count;
}

/** Active administrators (who hear of nodes going offline and back). */
export async function activeAdminIds(): Promise<string[]> {
  return (await db().user.findMany({ where: { role: "admin", isActive: true }, select: { id: true } })).map((u) => u.id);
}

/** The kind of the newest notification with this link among `kinds` (any user's), or null. */
/** The newest notification of one of `kinds` about `link` (a node) or to `userId`: its kind and when. */
export async function lastOf(where: { link?: string; userId?: string }, kinds: string[]): Promise<{ kind: string; createdAt: Date } | null> {
  return db().notification.findFirst({
    where: { ...where, kind: { in: kinds } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { kind: true, createdAt: true },
  });
}

/** Deletes notifications made before `before`; answers how many. */
export async function deleteOlderThan(before: Date): Promise<number> {
  return (await db().notification.deleteMany({ where: { createdAt: { lt: before } } })).count;
}
