import { z } from "zod";
import { hasControlCharacters } from "../validation";
import { ZId, ZIdParams, ZNullableTimestamp, ZPage, ZPageQuery, ZTimestamp } from "./common";
import { endpoint } from "./endpoint";

// Webhooks (Standard Webhooks): endpoints that receive the console's events, signed with a
// secret shown once. A user's endpoints receive the events of their own instances, runs and
// balance; an administrator's platform endpoints receive every event, nodes' included.
// Deliveries are queued in the database and retried with backoff (the same webhook-id each
// time); the delivery log keeps every attempt.

export const WEBHOOK_EVENT_TYPES = [
  "instance.created",
  "instance.running",
  "instance.stopped",
  "instance.failed",
  "instance.deleted",
  "job.run.succeeded",
  "job.run.failed",
  "job.run.timed_out",
  "job.run.cancelled",
  "slurm.job.finished",
  "balance.low",
  "node.down",
  "node.up",
] as const;
export type TWebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Events only platform (administrator) endpoints may take. */
export const PLATFORM_EVENT_TYPES: readonly TWebhookEventType[] = ["node.down", "node.up"];

/** The event a "send test event" sends (to that endpoint only, whatever it subscribes to). */
export const WEBHOOK_TEST_EVENT = "webhook.test";

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;

const noControl = (s: z.ZodString) => s.refine((v) => !hasControlCharacters(v), { message: "must not contain control characters", abort: true });

export const ZWebhookUrl = noControl(z.string().trim().max(2048, "must be at most 2048 characters"))
  .refine((v) => v !== "", { message: "is required", abort: true })
  .refine(
    (v) => {
      try {
        const u = new URL(v);
        return u.protocol === "http:" || u.protocol === "https:";
      } catch {
        return false;
      }
    },
    { message: "must be an http or https URL", abort: true },
  )
  .refine((v) => !new URL(v).username && !new URL(v).password, "must not carry a user name or password");

const ZEventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES, { error: `must be one of ${WEBHOOK_EVENT_TYPES.join(", ")}` }))
  .min(1, "must name at least one event type")
  .max(WEBHOOK_EVENT_TYPES.length)
  .transform((v) => [...new Set(v)]);

const ZDescription = noControl(z.string().trim().max(500, "must be at most 500 characters"));

export const ZWebhookEndpoint = z.object({
  id: z.string(),
  /** Platform endpoints (an administrator's, every event) have none. */
  ownerId: z.string().nullable(),
  ownerName: z.string().nullable(),
  platform: z.boolean(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(z.string()),
  enabled: z.boolean(),
  /** Why the console disabled it (410 Gone ...). */
  disabledReason: z.string().nullable(),
  /** Until when the previous secret still signs too (after a rotation). */
  previousSecretUntil: ZNullableTimestamp,
  createdAt: ZTimestamp,
  updatedAt: ZTimestamp,
  /** Deliveries of the last 24 hours by outcome. */
  recent: z.object({ succeeded: z.number().int(), failed: z.number().int(), pending: z.number().int() }),
});
export type TWebhookEndpoint = z.infer<typeof ZWebhookEndpoint>;

export const ZCreateWebhookRequest = z
  .object({
    url: ZWebhookUrl,
    description: ZDescription.default(""),
    eventTypes: ZEventTypes,
    /** An administrator's endpoint for every event of the platform (nodes' included). */
    platform: z.boolean().default(false),
  })
  .strict();
export type TCreateWebhookRequest = z.infer<typeof ZCreateWebhookRequest>;

export const ZUpdateWebhookRequest = z
  .object({
    url: ZWebhookUrl.optional(),
    description: ZDescription.optional(),
    eventTypes: ZEventTypes.optional(),
    /** Enabling again clears why it was disabled. */
    enabled: z.boolean().optional(),
  })
  .strict();
export type TUpdateWebhookRequest = z.infer<typeof ZUpdateWebhookRequest>;

/** The signing secret, shown once (creation, rotation). */
export const ZWebhookSecret = z.object({ secret: z.string() });
export const ZCreatedWebhook = ZWebhookEndpoint.extend({ secret: z.string() });

export const ZWebhookListQuery = ZPageQuery.extend({
  /** mine (default): my endpoints; platform: administrators' platform endpoints (admin only). */
  scope: z.enum(["mine", "platform"], { error: "must be mine or platform" }).default("mine"),
});

export const ZWebhookAttempt = z.object({
  id: z.string(),
  createdAt: ZTimestamp,
  trigger: z.string(),
  status: z.number().int().nullable(),
  latencyMs: z.number().int(),
  /** The start of the answer's body. */
  response: z.string().nullable(),
  error: z.string().nullable(),
});

export const ZWebhookDelivery = z.object({
  id: z.string(),
  /** The webhook-id header: the same on every attempt. */
  messageId: z.string(),
  eventType: z.string(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attemptCount: z.number().int(),
  nextAttemptAt: ZNullableTimestamp,
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  lastLatencyMs: z.number().int().nullable(),
  createdAt: ZTimestamp,
  updatedAt: ZTimestamp,
});
export type TWebhookDelivery = z.infer<typeof ZWebhookDelivery>;

export const ZWebhookDeliveryDetail = ZWebhookDelivery.extend({
  /** The body sent (the same bytes on every attempt). */
  payload: z.string(),
  attempts: z.array(ZWebhookAttempt),
});

export const ZDeliveryListQuery = ZPageQuery.extend({
  status: z.enum(WEBHOOK_DELIVERY_STATUSES, { error: "must be pending, succeeded or failed" }).optional(),
});

const ZDeliveryParams = z.object({ id: ZId, deliveryId: ZId });

export const webhooksEndpoints = {
  listWebhooks: endpoint({
    method: "GET",
    path: "/api/v1/webhooks",
    auth: "user",
    tag: "Webhooks",
    summary: "My webhook endpoints, or (scope=platform, administrators) the platform's",
    query: ZWebhookListQuery,
    response: ZPage(ZWebhookEndpoint),
  }),
  createWebhook: endpoint({
    method: "POST",
    path: "/api/v1/webhooks",
    audit: "webhook.create",
    auth: "user",
    tag: "Webhooks",
    summary: "Add a webhook endpoint; its signing secret is in this response only",
    body: ZCreateWebhookRequest,
    response: ZCreatedWebhook,
    status: 201,
    errors: ["FORBIDDEN", "LIMIT_REACHED"],
  }),
  getWebhook: endpoint({
    method: "GET",
    path: "/api/v1/webhooks/{id}",
    auth: "user",
    tag: "Webhooks",
    summary: "One webhook endpoint (never its secret)",
    params: ZIdParams,
    response: ZWebhookEndpoint,
    errors: ["NOT_FOUND"],
  }),
  updateWebhook: endpoint({
    method: "PATCH",
    path: "/api/v1/webhooks/{id}",
    audit: "webhook.update",
    auth: "user",
    tag: "Webhooks",
    summary: "Change a webhook endpoint's URL, events or description, or enable/disable it",
    params: ZIdParams,
    body: ZUpdateWebhookRequest,
    response: ZWebhookEndpoint,
    errors: ["NOT_FOUND"],
  }),
  deleteWebhook: endpoint({
    method: "DELETE",
    path: "/api/v1/webhooks/{id}",
    audit: "webhook.delete",
    auth: "user",
    tag: "Webhooks",
    summary: "Delete a webhook endpoint and its delivery log",
    params: ZIdParams,
    status: 204,
    errors: ["NOT_FOUND"],
  }),
  rotateWebhookSecret: endpoint({
    method: "POST",
    path: "/api/v1/webhooks/{id}/rotate-secret",
    audit: "webhook.rotate_secret",
    auth: "user",
    tag: "Webhooks",
    summary: "A new signing secret (shown once); the old one also signs for 24 hours",
    params: ZIdParams,
    response: ZWebhookSecret,
    errors: ["NOT_FOUND"],
  }),
  testWebhook: endpoint({
    method: "POST",
    path: "/api/v1/webhooks/{id}/test",
    audit: "webhook.test",
    auth: "user",
    tag: "Webhooks",
    summary: "Send a webhook.test event to this endpoint (queued like any delivery)",
    params: ZIdParams,
    response: ZWebhookDelivery,
    status: 202,
    errors: ["NOT_FOUND", "INVALID_STATE"],
  }),
  listWebhookDeliveries: endpoint({
    method: "GET",
    path: "/api/v1/webhooks/{id}/deliveries",
    auth: "user",
    tag: "Webhooks",
    summary: "The endpoint's delivery log, newest first",
    params: ZIdParams,
    query: ZDeliveryListQuery,
    response: ZPage(ZWebhookDelivery),
    errors: ["NOT_FOUND"],
  }),
  getWebhookDelivery: endpoint({
    method: "GET",
    path: "/api/v1/webhooks/{id}/deliveries/{deliveryId}",
    auth: "user",
    tag: "Webhooks",
    summary: "One delivery: the body sent and every attempt (status, latency, answer)",
    params: ZDeliveryParams,
    response: ZWebhookDeliveryDetail,
    errors: ["NOT_FOUND"],
  }),
  redeliverWebhook: endpoint({
    method: "POST",
    path: "/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver",
    audit: "webhook.redeliver",
    auth: "user",
    tag: "Webhooks",
    summary: "Send a delivery again now (the same webhook-id and body); answers how that attempt went",
    params: ZDeliveryParams,
    response: ZWebhookDelivery,
    errors: ["NOT_FOUND", "INVALID_STATE"],
  }),
};
