import { z } from "zod";
import { hasControlCharacters, isCidr } from "../validation";
import { endpoint } from "./endpoint";

// Health, console settings and the API's own description.

export const ZHealth = z.object({
  status: z.enum(["ok", "degraded"]),
  database: z.enum(["ok", "unreachable"]),
  version: z.string(),
  uptimeSeconds: z.number().int().min(0),
});

const ZCidr = z.string().refine(isCidr, "must be a CIDR such as 10.0.0.0/8");

const count = (max: number, min = 1) => z.number().int("must be a whole number").min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

export const ZSettings = z.object({
  registrationEnabled: z.boolean(),
  /** Maintenance: users cannot launch, start or submit (administrators can); every page shows the banner. */
  maintenanceMode: z.boolean(),
  /** What the banner and the refusals say (empty: a standard text). */
  maintenanceMessage: z
    .string()
    .trim()
    .max(500, "must be at most 500 characters")
    // Line breaks are kept; other control and text-direction characters would make it read as something else.
    .refine((v) => !hasControlCharacters(v.replace(/[\n\t]/g, " ")) && !/[\u202a-\u202e\u2066-\u2069]/.test(v), "must not contain control characters"),
  /** Instances one user may have (not deleted); administrators are not limited. */
  maxInstancesPerUser: count(10_000),
  /** Web terminals one user may have open at a time. */
  maxTerminalsPerUser: count(1000),
  /** Warn a user when their balance covers less than this many minutes of what they run (0: never). */
  lowBalanceMinutes: count(10_080, 0),
  /** Runs of one user's jobs at a time; more wait in the queue. */
  maxRunningJobsPerUser: z.number().int("must be a whole number").min(1, "must be at least 1").max(1000, "must be at most 1000"),
  /** A job's timeout when it sets none. */
  jobDefaultTimeoutSeconds: z.number().int("must be a whole number").min(1, "must be at least 1").max(604_800, "must be at most 604800"),
  /** Internal addresses http jobs and webhooks may reach (the webhook allowlist too). */
  egressAllowlist: z.array(ZCidr).max(100, "must be at most 100 entries"),
  /** SSH connections one user may have open through the jump host at a time. */
  sshMaxSessionsPerUser: z.number().int("must be a whole number").min(1, "must be at least 1").max(1000, "must be at most 1000"),
  /** A jump-host connection without traffic for this long is closed. */
  sshIdleTimeoutSeconds: z.number().int("must be a whole number").min(10, "must be at least 10").max(604_800, "must be at most 604800"),
  /** System log lines (warn and worse) older than this many days are removed. */
  systemLogRetentionDays: count(3650),
  /** Audit events older than this many days are removed; at least 30: the log cannot be emptied by a setting. */
  auditRetentionDays: z.number().int("must be a whole number").min(30, "must be at least 30").max(3650, "must be at most 3650"),
  /** Client addresses that may read GET /metrics without the bearer token. */
  metricsAllowlist: z.array(ZCidr).max(100, "must be at most 100 entries"),
  /** Whether GET /metrics also takes a bearer token (the token itself is write-only). */
  metricsTokenSet: z.boolean(),
  /**
   * GPU series carry dcgm-exporter's own `modelName` label (camelCase, which promtool's
   * lint names) instead of `model_name`; for dashboards that key on it.
   */
  metricsDcgmModelName: z.boolean(),
});
export const ZUpdateSettingsRequest = ZSettings.omit({ metricsTokenSet: true })
  .partial()
  .extend({
    /** The bearer token GET /metrics takes (stored hashed); null removes it. */
    metricsToken: z
      .string()
      .min(24, "must be at least 24 characters")
      .max(256, "must be at most 256 characters")
      .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")
      .nullable()
      .optional(),
  })
  .strict();
export type TUpdateSettingsRequest = z.infer<typeof ZUpdateSettingsRequest>;
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
