import { z } from "zod";
import { ZPage, ZPageQuery, ZTimestamp } from "./common";
import { endpoint } from "./endpoint";

// The system log: the console's own warn, error and fatal log lines, kept in the database for
// administrators (the systemLogRetentionDays setting), with the fields the line carried.

export const SYSTEM_LOG_LEVELS = ["warn", "error", "fatal"] as const;

export const ZSystemLog = z.object({
  id: z.string(),
  createdAt: ZTimestamp,
  level: z.enum(SYSTEM_LOG_LEVELS),
  message: z.string(),
  /** The line's fields (module, node, instanceId, err ...), secrets redacted. */
  context: z.record(z.string(), z.unknown()),
});
export type TSystemLog = z.infer<typeof ZSystemLog>;

const ZTime = z.iso.datetime({ offset: true, error: "must be an ISO-8601 time" });

export const ZSystemLogQuery = ZPageQuery.extend({
  /** The least level shown: warn shows all, error shows error and fatal. */
  level: z.enum(SYSTEM_LOG_LEVELS, { error: "must be warn, error or fatal" }).optional(),
  from: ZTime.optional(),
  to: ZTime.optional(),
  q: z.string().trim().min(1).max(100).optional(),
}).refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: "must be after from", path: ["to"] });
export type TSystemLogQuery = z.infer<typeof ZSystemLogQuery>;

export const ZSystemLogDayQuery = z.object({
  /** A UTC day, YYYY-MM-DD. */
  day: z.iso.date({ error: "must be a day such as 2026-12-01" }),
});

export const systemLogsEndpoints = {
  listSystemLogs: endpoint({
    method: "GET",
    path: "/api/v1/admin/system-logs",
    auth: "admin",
    tag: "Admin",
    summary: "The console's warn, error and fatal log lines, newest first, by level, time and words",
    query: ZSystemLogQuery,
    response: ZPage(ZSystemLog),
  }),
  exportSystemLogs: endpoint({
    method: "GET",
    path: "/api/v1/admin/system-logs/export",
    auth: "admin",
    tag: "Admin",
    summary: "One UTC day of the system log as newline-delimited JSON (oldest first)",
    query: ZSystemLogDayQuery,
    produces: "application/x-ndjson",
  }),
};
