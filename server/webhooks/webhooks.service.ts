import "server-only";
import { randomBytes } from "node:crypto";
import {
  PLATFORM_EVENT_TYPES,
  type TCreateWebhookRequest,
  type TUpdateWebhookRequest,
  type TWebhookEndpoint,
  type TWebhookEventType,
  WEBHOOK_TEST_EVENT,
} from "@/lib/contracts/webhooks";
import { audited, auditNote } from "../audit/audit.service";
import type { Principal } from "../auth/principal";
import { isAdmin } from "../auth/permissions";
import { seal } from "../crypto/secret-box";
import { emit } from "../events";
import { AppError, notFound, validationError } from "../http/errors";
import { attemptNow, SECRET_CONTEXT } from "./delivery";
import * as repo from "./webhooks.repo";

// Webhook endpoints and their delivery log. Who sees what: a user their own endpoints; an
// administrator also the platform's (ownerId null), which receive every event. Secrets are
// sealed at rest and answered once (creation, rotation); a rotated-out secret signs beside
// the new one for ROTATION_OVERLAP_MS so receivers can switch without losing an event.

export const ROTATION_OVERLAP_MS = 24 * 3600_000;
/** Endpoints one user may have (and the platform). */
export const MAX_ENDPOINTS = 20;

const newSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

/** What the audit log keeps of a URL: its origin (a Slack or Discord URL's path is its credential). */
export const originOf = (url: string) => new URL(url).origin;

function dto(r: repo.EndpointRow, recent: Record<string, number> | undefined, ownerName: string | null): TWebhookEndpoint {
  return {
    id: r.id,
    ownerId: r.ownerId,
    ownerName,
    platform: r.ownerId === null,
    url: r.url,
    description: r.description,
    eventTypes: JSON.parse(r.eventTypes) as string[],
    enabled: r.enabled,
    disabledReason: r.disabledReason,
    previousSecretUntil: r.previousSecretUntil && r.previousSecretUntil > new Date() ? r.previousSecretUntil.toISOString() : null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    recent: { succeeded: recent?.succeeded ?? 0, failed: recent?.failed ?? 0, pending: recent?.pending ?? 0 },
  };
}

async function dtos(rows: repo.EndpointRow[]): Promise<TWebhookEndpoint[]> {
  const [recent, owners] = await Promise.all([
    repo.recentCounts(
      rows.map((r) => r.id),
      new Date(Date.now() - 24 * 3600_000),
    ),
    repo.usernamesOf([...new Set(rows.flatMap((r) => (r.ownerId ? [r.ownerId] : [])))]),
  ]);
  const names = new Map(owners.map((u) => [u.id, u.username]));
  return rows.map((r) => dto(r, recent.get(r.id), r.ownerId ? (names.get(r.ownerId) ?? null) : null));
}

/** An endpoint the principal manages: their own, or (administrators) a platform one. Others: not found. */
async function loadManaged(p: Principal, id: string): Promise<repo.EndpointRow> {
  const row = await repo.findEndpoint(id);
  if (!row || !(row.ownerId === p.userId || (row.ownerId === null && isAdmin(p)))) throw notFound("Webhook endpoint");
  return row;
}

function checkEventTypes(platform: boolean, types: string[] | undefined): void {
  if (!types || platform) return;
  const adminOnly = types.filter((t) => PLATFORM_EVENT_TYPES.includes(t as TWebhookEventType));
  if (adminOnly.length)
    throw validationError([{ path: "eventTypes", message: `${adminOnly.join(", ")} ${adminOnly.length > 1 ? "are" : "is"} for platform endpoints only` }]);
}

export async function listWebhooks(p: Principal, q: { scope: "mine" | "platform"; page: number; pageSize: number }) {
  if (q.scope === "platform" && !isAdmin(p)) throw new AppError("FORBIDDEN", "Only administrators see the platform's webhook endpoints");
  const { items, total } = await repo.listEndpoints({ ownerId: q.scope === "platform" ? null : p.userId }, q.page, q.pageSize);
  return { items: await dtos(items), total, page: q.page, pageSize: q.pageSize };
}

export async function getWebhook(p: Principal, id: string): Promise<TWebhookEndpoint> {
  return (await dtos([await loadManaged(p, id)]))[0]!;
}

export async function createWebhook(p: Principal, input: TCreateWebhookRequest) {
  if (input.platform && !isAdmin(p)) throw new AppError("FORBIDDEN", "Only administrators add platform webhook endpoints");
  checkEventTypes(input.platform, input.eventTypes);
  const secret = newSecret();
  const row = await audited(async () => {
    // Each endpoint is a request per event: a cap keeps one account from fanning events out without end.
    const have = await repo.countEndpoints({ ownerId: input.platform ? null : p.userId });
    if (have >= MAX_ENDPOINTS) throw new AppError("LIMIT_REACHED", `There are ${have} webhook endpoints here (at most ${MAX_ENDPOINTS}); delete one first`);
    const created = await repo.createEndpoint({
      ownerId: input.platform ? null : p.userId,
      url: input.url,
      description: input.description,
      eventTypes: JSON.stringify(input.eventTypes),
      secretEnc: seal(secret, SECRET_CONTEXT),
      createdById: p.userId,
    });
    auditNote({
      target: { type: "webhook", id: created.id, name: originOf(input.url) },
      detail: { origin: originOf(input.url), eventTypes: input.eventTypes, platform: input.platform },
    });
    return created;
  });
  return { ...(await dtos([row]))[0]!, secret };
}

export async function updateWebhook(p: Principal, id: string, input: TUpdateWebhookRequest): Promise<TWebhookEndpoint> {
  const row = await loadManaged(p, id);
  checkEventTypes(row.ownerId === null, input.eventTypes);
  const updated = await audited(async () => {
    const next = await repo.updateEndpoint(id, {
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.eventTypes !== undefined ? { eventTypes: JSON.stringify(input.eventTypes) } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled, ...(input.enabled ? { disabledReason: null } : {}) } : {}),
    });
    auditNote({
      target: { type: "webhook", id, name: originOf(next.url) },
      detail: {
        ...(input.url !== undefined ? { origin: { from: originOf(row.url), to: originOf(input.url) } } : {}),
        ...(input.eventTypes !== undefined ? { eventTypes: input.eventTypes } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
      },
    });
    return next;
  });
  return (await dtos([updated]))[0]!;
}

export async function deleteWebhook(p: Principal, id: string): Promise<void> {
  const row = await loadManaged(p, id);
  auditNote({ target: { type: "webhook", id, name: originOf(row.url) } });
  await audited(async () => {
    if (!(await repo.deleteEndpoint(id))) throw notFound("Webhook endpoint");
  });
}

export async function rotateWebhookSecret(p: Principal, id: string): Promise<{ secret: string }> {
  const row = await loadManaged(p, id);
  const secret = newSecret();
  await audited(async () => {
    await repo.updateEndpoint(id, {
      secretEnc: seal(secret, SECRET_CONTEXT),
      previousSecretEnc: row.secretEnc,
      previousSecretUntil: new Date(Date.now() + ROTATION_OVERLAP_MS),
    });
    auditNote({ target: { type: "webhook", id, name: originOf(row.url) } });
  });
  return { secret };
}

const deliveryDto = (d: repo.DeliveryRow & { lastLatencyMs?: number | null }) => ({
  id: d.id,
  messageId: d.messageId,
  eventType: d.message.eventType,
  status: d.status as "pending" | "succeeded" | "failed",
  attemptCount: d.attemptCount,
  nextAttemptAt: d.status === "pending" ? (d.nextAttemptAt?.toISOString() ?? null) : null,
  lastStatus: d.lastStatus,
  lastError: d.lastError,
  lastLatencyMs: d.lastLatencyMs ?? null,
  createdAt: d.createdAt.toISOString(),
  updatedAt: d.updatedAt.toISOString(),
});

export async function listDeliveries(p: Principal, id: string, q: { status?: string | undefined; page: number; pageSize: number }) {
  await loadManaged(p, id);
  const { items, total } = await repo.listDeliveries(id, q);
  return { items: items.map(deliveryDto), total, page: q.page, pageSize: q.pageSize };
}

async function loadDelivery(p: Principal, id: string, deliveryId: string) {
  await loadManaged(p, id);
  const d = await repo.findDeliveryDetail(deliveryId);
  if (!d || d.endpointId !== id) throw notFound("Delivery");
  return d;
}

export async function getDelivery(p: Principal, id: string, deliveryId: string) {
  const d = await loadDelivery(p, id, deliveryId);
  const latest = d.attempts[0];
  return {
    ...deliveryDto({ ...d, lastLatencyMs: latest?.latencyMs ?? null }),
    payload: d.message.payload,
    attempts: d.attempts.map((a) => ({
      id: a.id,
      createdAt: a.createdAt.toISOString(),
      trigger: a.trigger,
      status: a.status,
      latencyMs: a.latencyMs,
      response: a.response,
      error: a.error,
    })),
  };
}

/** A payload in the Standard Webhooks shape: {type, timestamp, data}. */
export function payloadOf(type: string, data: unknown, at: Date): string {
  return JSON.stringify({ type, timestamp: at.toISOString(), data });
}

/**
 * Queues an event for every enabled endpoint that takes it: the platform's, and the owner's
 * own (`ownerId`: the user whose instance, run or balance it is; null for platform events).
 * One message (one webhook-id) and a delivery per endpoint; none when nobody listens.
 */
export async function enqueueEvent(type: TWebhookEventType, ownerId: string | null, data: unknown): Promise<number> {
  const endpoints = (await repo.enabledEndpointsFor(PLATFORM_EVENT_TYPES.includes(type) ? null : ownerId)).filter((e) =>
    (JSON.parse(e.eventTypes) as string[]).includes(type),
  );
  if (!endpoints.length) return 0;
  const now = new Date();
  await repo.insertMessage(
    { id: `msg_${randomBytes(16).toString("hex")}`, eventType: type, payload: payloadOf(type, data, now) },
    endpoints.map((e) => e.id),
    now,
  );
  emit("webhooks.queued", {});
  return endpoints.length;
}

/** Queues a webhook.test event to this endpoint only (disabled endpoints are refused: enable it first). */
export async function testWebhook(p: Principal, id: string) {
  const row = await loadManaged(p, id);
  if (!row.enabled) throw new AppError("INVALID_STATE", "The endpoint is disabled; enable it to send a test event");
  const now = new Date();
  const [made] = await audited(async () => {
    auditNote({ target: { type: "webhook", id, name: originOf(row.url) } });
    return repo.insertMessage(
      {
        id: `msg_${randomBytes(16).toString("hex")}`,
        eventType: WEBHOOK_TEST_EVENT,
        payload: payloadOf(WEBHOOK_TEST_EVENT, { endpointId: id, message: "A test event from AI Infra Console" }, now),
      },
      [id],
      now,
    );
  });
  emit("webhooks.queued", {});
  return deliveryDto((await repo.findDelivery(made!.id))!);
}

/** Sends a delivery again now, whatever its status (the same webhook-id and body); answers where it stands after. */
export async function redeliver(p: Principal, id: string, deliveryId: string) {
  const row = await loadManaged(p, id);
  await loadDelivery(p, id, deliveryId);
  if (!row.enabled) throw new AppError("INVALID_STATE", "The endpoint is disabled; enable it to redeliver");
  auditNote({ target: { type: "webhook", id, name: originOf(row.url) }, detail: { deliveryId } });
  if (!(await attemptNow(deliveryId, "redeliver"))) throw new AppError("INVALID_STATE", "The delivery is being sent right now; try again in a moment");
  return deliveryDto((await repo.findDelivery(deliveryId))!);
}

/** How long the delivery log keeps finished deliveries. */
export const DELIVERY_RETENTION_DAYS = 30;

export function pruneDeliveries(now = Date.now()): Promise<number> {
  return repo.pruneBefore(new Date(now - DELIVERY_RETENTION_DAYS * 86_400_000));
}
