import { z } from "zod";
import { endpoint } from "./endpoint";

// Health, console settings and the API's own description.

export const ZHealth = z.object({
  status: z.enum(["ok", "degraded"]),
  database: z.enum(["ok", "unreachable"]),
  version: z.string(),
  uptimeSeconds: z.number().int().min(0),
});

export const ZSettings = z.object({ registrationEnabled: z.boolean() });
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
    auth: "admin",
    tag: "Admin",
    summary: "Change console settings",
    body: ZUpdateSettingsRequest,
    response: ZSettings,
  }),
};
