import { z } from "zod";
import { ZId, ZPage, ZPageQuery, ZTimestamp } from "./common";
import { endpoint } from "./endpoint";

// The audit log: one event per state-changing action (API routes, terminal, SSH and app
// sessions, sign-ins), written in the same transaction as the change. Read-only: there is
// no route that edits or deletes an event; the retention setting removes old ones.

export const AUDIT_RESULTS = ["success", "failure"] as const;
export const AUDIT_ACTOR_TYPES = ["user", "token", "system"] as const;

export const ZAuditEvent = z.object({
  id: z.string(),
  createdAt: ZTimestamp,
  /** user: a browser session or login token; token: a personal API token; system: the console itself. */
  actor: z.object({ type: z.enum(AUDIT_ACTOR_TYPES), id: z.string().nullable(), name: z.string().nullable() }),
  /** Dotted, e.g. instance.create, auth.login, terminal.open. */
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string().nullable(), name: z.string().nullable() }).nullable(),
  result: z.enum(AUDIT_RESULTS),
  /** The error code of a failure (FORBIDDEN, INSUFFICIENT_BALANCE ...). */
  reason: z.string().nullable(),
  /** What changed (field names and new values), secrets redacted. */
  detail: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
});
export type TAuditEvent = z.infer<typeof ZAuditEvent>;

const ZTime = z.iso.datetime({ offset: true, error: "must be an ISO-8601 time" });

const ZAuditFilter = z.object({
  /** A username or user id. */
  actor: z.string().trim().min(1).max(64).optional(),
  /** An action (instance.create), or every action of a kind with a trailing dot or star (instance., instance.*). */
  action: z
    .string()
    .trim()
    .max(64)
    .regex(/^[a-z_]+(\.[a-z_]+)*(\.\*?)?$/, "must be an action such as instance.create, or instance.* for all of a kind")
    .optional(),
  targetType: z.string().trim().min(1).max(32).optional(),
  targetId: ZId.optional(),
  result: z.enum(AUDIT_RESULTS, { error: "must be success or failure" }).optional(),
  requestId: z.string().trim().min(1).max(64).optional(),
  from: ZTime.optional(),
  to: ZTime.optional(),
  /** Words in the target's or actor's name, the action, the address or the detail. */
  q: z.string().trim().min(1).max(100).optional(),
});

const toAfterFrom = (q: { from?: string; to?: string }) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to);
const afterFrom = [toAfterFrom, { message: "must be after from", path: ["to"] }] as [typeof toAfterFrom, { message: string; path: string[] }];

export const ZAuditQuery = ZPageQuery.extend(ZAuditFilter.shape).refine(...afterFrom);
export type TAuditQuery = z.infer<typeof ZAuditQuery>;
export const ZAuditExportQuery = ZAuditFilter.refine(...afterFrom);
export type TAuditExportQuery = z.infer<typeof ZAuditExportQuery>;
/** A user's own events: no actor filter (it is them). */
export const ZMyAuditQuery = ZPageQuery.extend(ZAuditFilter.omit({ actor: true, q: true }).shape)
  .strict()
  .refine(...afterFrom);

export const ZAuditPage = ZPage(ZAuditEvent);

export const auditEndpoints = {
  listAuditEvents: endpoint({
    method: "GET",
    path: "/api/v1/admin/audit-events",
    auth: "admin",
    tag: "Audit",
    summary: "Audit events, newest first, filtered by actor, action, target, result and time",
    query: ZAuditQuery,
    response: ZAuditPage,
  }),
  exportAuditEvents: endpoint({
    method: "GET",
    path: "/api/v1/admin/audit-events/export",
    auth: "admin",
    tag: "Audit",
    summary: "The same events as CSV (every matching event, streamed)",
    query: ZAuditExportQuery,
    produces: "text/csv",
  }),
  listMyAuditEvents: endpoint({
    method: "GET",
    path: "/api/v1/users/me/audit-events",
    auth: "user",
    tag: "Audit",
    summary: "The caller's own audit events (what they did, sign-ins included), newest first",
    query: ZMyAuditQuery,
    response: ZAuditPage,
  }),
};
