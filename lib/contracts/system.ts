import { z } from "zod";
import { endpoint } from "./endpoint";

// Health, console settings and the API's own description.

export const ZHealth = z.object({
  status: z.enum(["ok", "degraded"]),
  database: z.enum(["ok", "unreachable"]),
  version: z.string(),
  uptimeSeconds: z.number().int().min(0),
});

const ZCidr = z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, "must be a CIDR such as 10.0.0.0/8");

export const ZSettings = z.object({
  registrationEnabled: z.boolean(),
  /** Runs of one user's jobs at a time; more wait in the queue. */
  maxRunningJobsPerUser: z.number().int("must be a whole number").min(1, "must be at least 1").max(1000, "must be at most 1000"),
  /** A job's timeout when it sets none. */
  jobDefaultTimeoutSeconds: z.number().int("must be a whole number").min(1, "must be at least 1").max(604_800, "must be at most 604800"),
  /** Internal addresses http jobs (and webhooks) may reach. */
  egressAllowlist: z.array(ZCidr).max(100, "must be at most 100 entries"),
  /** SSH connections one user may have open through the jump host at a time. */
  sshMaxSessionsPerUser: z.number().int("must be a whole number").min(1, "must be at least 1").max(1000, "must be at most 1000"),
  /** A jump-host connection without traffic for this long is closed. */
  sshIdleTimeoutSeconds: z.number().int("must be a whole number").min(10, "must be at least 10").max(604_800, "must be at most 604800"),
  /** Audit events older than this many days are removed. */
  auditRetentionDays: z.number().int("must be a whole number").min(1, "must be at least 1").max(3650, "must be at most 3650"),
});
export const ZUpdateSettingsRequest = ZSettings.partial().strict();
export type TSettings = z.infer<typeof ZSettings>;

export const systemEndpoints = {
  health: endpoint({
    method: "GET",
    path: "/api/health",
    auth: "public",
    tag: "System",
    unlimited: true,
    summary: "Liveness and database reachability (503 when the database is unreachable)",
    response: ZHealth,
  }),
  openapi: endpoint({
    method: "GET",
    path: "/api/openapi.json",
    auth: "public",
    tag: "System",
    summary: "This OpenAPI 3.1 document",
    produces: "application/json",
  }),
  docs: endpoint({
    method: "GET",
    path: "/api/docs",
    auth: "public",
    tag: "System",
    summary: "Swagger UI for this API",
    produces: "text/html",
  }),
  getSettings: endpoint({
    method: "GET",
    path: "/api/v1/admin/settings",
    auth: "admin",
    tag: "Admin",
    summary: "Console settings",
    response: ZSettings,
  }),
  updateSettings: endpoint({
    method: "PATCH",
    path: "/api/v1/admin/settings",
    audit: "settings.update",
    auth: "admin",
    tag: "Admin",
    summary: "Change console settings",
    body: ZUpdateSettingsRequest,
    response: ZSettings,
  }),
};
