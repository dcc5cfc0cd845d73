import "server-only";
import { type TNotification, type TNotificationKind, type TNotificationParams, ZNotificationParams } from "@/lib/contracts/notifications";
import type { Principal } from "../auth/principal";
import { audited, auditNote } from "../audit/audit.service";
import { env } from "../env";
import { emit } from "../events";
import { notFound } from "../http/errors";
import * as repo from "./notifications.repo";

// A user's notifications: listed newest first with the unread count, marked read one by one
// or all at once, only ever the caller's own. New ones are stored here and announced
// (notification.created) for the realtime push.

function toDto(row: repo.NotificationRow): TNotification {
  let params: TNotificationParams = {};
  try {
    params = ZNotificationParams.parse(JSON.parse(row.params));
  } catch {
    // A row written by another version: the kind alone still says what happened.
  }
  return {
    id: row.id,
    kind: row.kind as TNotificationKind,
    params,
    link: row.link,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null,
  };
}

export async function listNotifications(p: Principal, q: { page: number; pageSize: number; unread?: boolean }) {
  const { rows, total, unreadCount } = await repo.listNotifications(p.userId, q);
  return { items: rows.map(toDto), total, page: q.page, pageSize: q.pageSize, unreadCount };
}

export async function readNotification(p: Principal, id: string): Promise<TNotification> {
  const row = await audited(async () => {
    const read = await repo.markRead(p.userId, id);
    // Another user's notification is as missing as one that never was.
    if (!read) throw notFound("Notification");
    auditNote({ target: { type: "notification", id, name: read.kind } });
    return read;
  });
  return toDto(row);
}

export async function readAllNotifications(p: Principal) {
  const updated = await audited(async () => {
    const n = await repo.markAllRead(p.userId);
    auditNote({ detail: { updated: n } });
    return n;
  });
  return { updated, unreadCount: await repo.unreadCount(p.userId) };
}

export type NewNotification = { kind: TNotificationKind; params: TNotificationParams; link: string | null };

/** Stores a notification for each user and announces each one. */
export async function notify(userIds: string[], n: NewNotification): Promise<TNotification[]> {
  if (!userIds.length) return [];
  const params = JSON.stringify(ZNotificationParams.parse(n.params));
  const rows = await repo.createNotifications(userIds.map((userId) => ({ userId, kind: n.kind, params, link: n.link })));
  return rows.map((r) => {
    const notification = toDto(r);
    emit("notification.created", { userId: r.userId, notification });
    return notification;
  });
}

/** Deletes notifications older than NOTIFICATION_RETENTION_DAYS (the retention worker). */
export async function applyNotificationRetention(now = new Date()): Promise<number> {
  return repo.deleteOlderThan(new Date(now.getTime() - env().NOTIFICATION_RETENTION_DAYS * 86_400_000));
}
