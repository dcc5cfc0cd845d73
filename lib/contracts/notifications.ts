import { z } from "zod";
import { ZIdParams, ZNullableTimestamp, ZPageQuery, ZQueryBool, ZTimestamp } from "./common";
import { endpoint } from "./endpoint";

// In-app notifications (the header's bell): the balance running low, instances stopped at
// zero, failed, exited or unreachable, and for administrators nodes going offline and back.
// A notification carries a kind and its parameters, never finished text: the browser says
// it in the reader's language.

export const NOTIFICATION_KINDS = [
  "balance_low",
  "balance_stopped",
  "instance_failed",
  "instance_exited",
  "instance_unreachable",
  "instance_recovered",
  "node_offline",
  "node_online",
  "cluster_down",
  "cluster_up",
] as const;
export const ZNotificationKind = z.enum(NOTIFICATION_KINDS);
export type TNotificationKind = z.infer<typeof ZNotificationKind>;

export const ZNotificationParams = z.object({
  /** Instances concerned (several events at once make one notification): up to 3 names, and how many in all. */
  names: z.array(z.string()).optional(),
  count: z.number().int().optional(),
  /** instance.status reasons: creation_failed, container_removed, exited, balance, node_unreachable, recovered. */
  reason: z.string().optional(),
  /** The server's own words about one instance or node (a Docker error, an exit code), when there is one. */
  message: z.string().nullable().optional(),
  nodeName: z.string().optional(),
  /** cluster_down: the Slurm cluster, and what it turned (unreachable, degraded). */
  clusterName: z.string().optional(),
  status: z.string().optional(),
  balanceCents: z.number().int().optional(),
  burnCentsPerHour: z.number().int().optional(),
  secondsLeft: z.number().int().optional(),
});
export type TNotificationParams = z.infer<typeof ZNotificationParams>;

export const ZNotification = z.object({
  id: z.string(),
  kind: ZNotificationKind,
  params: ZNotificationParams,
  /** Where it leads in the console (/instances/<id>, /billing, /admin/nodes ...). */
  link: z.string().nullable(),
  createdAt: ZTimestamp,
  readAt: ZNullableTimestamp,
});
export type TNotification = z.infer<typeof ZNotification>;

export const ZNotificationQuery = ZPageQuery.extend({ unread: ZQueryBool.optional() });

export const ZNotificationPage = z.object({
  items: z.array(ZNotification),
  total: z.number().int().min(0),
  page: z.number().int().min(1),
  pageSize: z.number().int().min(1),
  /** All of the user's unread notifications (whatever the page). */
  unreadCount: z.number().int().min(0),
});
export type TNotificationPage = z.infer<typeof ZNotificationPage>;

export const ZMarkedRead = z.object({ updated: z.number().int().min(0), unreadCount: z.number().int().min(0) });

export const notificationsEndpoints = {
  listNotifications: endpoint({
    method: "GET",
    path: "/api/v1/notifications",
    auth: "user",
    tag: "Notifications",
    summary: "My notifications, newest first (unread=true: only unread), with how many are unread",
    query: ZNotificationQuery,
    response: ZNotificationPage,
  }),
  readNotification: endpoint({
    method: "POST",
    path: "/api/v1/notifications/{id}/read",
    audit: "notification.read",
    auth: "user",
    tag: "Notifications",
    summary: "Marks one of my notifications read (idempotent)",
    params: ZIdParams,
    response: ZNotification,
    errors: ["NOT_FOUND"],
  }),
  readAllNotifications: endpoint({
    method: "POST",
    path: "/api/v1/notifications/read-all",
    audit: "notification.read_all",
    auth: "user",
    tag: "Notifications",
    summary: "Marks all my notifications read",
    response: ZMarkedRead,
  }),
};
