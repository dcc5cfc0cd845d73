import "server-only";
import { db, type Prisma, transaction } from "../db/client";

// Webhook endpoints, messages, deliveries and attempts in the database. A delivery is the
// queue's item: pending until it succeeds or its retries are used up; a worker claims a due
// one with a compare-and-set on `lockedUntil`, so several console processes never send the
// same attempt twice.

export type EndpointRow = Prisma.WebhookEndpointGetPayload<object>;
export type DeliveryRow = Prisma.WebhookDeliveryGetPayload<{ include: { message: { select: { eventType: true } } } }>;

const withEventType = { message: { select: { eventType: true } } } as const;

/** Whose endpoints: a user's own, or the platform's (ownerId null). */
export type Scope = { ownerId: string | null };

export function createEndpoint(data: Prisma.WebhookEndpointUncheckedCreateInput): Promise<EndpointRow> {
  return db().webhookEndpoint.create({ data });
}

export function findEndpoint(id: string): Promise<EndpointRow | null> {
  return db().webhookEndpoint.findUnique({ where: { id } });
}

export async function listEndpoints(scope: Scope, page: number, pageSize: number): Promise<{ items: EndpointRow[]; total: number }> {
  const where = { ownerId: scope.ownerId };
  const [items, total] = await Promise.all([
    db().webhookEndpoint.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: (page - 1) * pageSize, take: pageSize }),
    db().webhookEndpoint.count({ where }),
  ]);
  return { items, total };
}

export function countEndpoints(scope: Scope): Promise<number> {
  return db().webhookEndpoint.count({ where: { ownerId: scope.ownerId } });
}

export function updateEndpoint(id: string, data: Prisma.WebhookEndpointUncheckedUpdateInput): Promise<EndpointRow> {
  return db().webhookEndpoint.update({ where: { id }, data });
}

export async function deleteEndpoint(id: string): Promise<boolean> {
  const { count } = await db().webhookEndpoint.deleteMany({ where: { id } });
  return count === 1;
}

/** Deliveries of the last day by endpoint and outcome. */
export async function recentCounts(endpointIds: string[], since: Date): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  if (!endpointIds.length) return out;
  const rows = await db().webhookDelivery.groupBy({
    by: ["endpointId", "status"],
    where: { endpointId: { in: endpointIds }, createdAt: { gte: since } },
    _count: { _all: true },
  });
  for (const r of rows) out.set(r.endpointId, { ...out.get(r.endpointId), [r.status]: r._count._all });
  return out;
}

/** Enabled endpoints that may take an event of this owner (theirs and the platform's). */
export function enabledEndpointsFor(ownerId: string | null): Promise<EndpointRow[]> {
  return db().webhookEndpoint.findMany({ where: { enabled: true, OR: [{ ownerId: null }, ...(ownerId ? [{ ownerId }] : [])] } });
}

/** One message and a pending delivery of it to each endpoint, together. */
export async function insertMessage(
  message: { id: string; eventType: string; payload: string },
  endpointIds: string[],
  now: Date,
): Promise<{ id: string; endpointId: string }[]> {
  return transaction(async (tx) => {
    await tx.webhookMessage.create({ data: { ...message, createdAt: now } });
    const made: { id: string; endpointId: string }[] = [];
    for (const endpointId of endpointIds) {
      const d = await tx.webhookDelivery.create({ data: { messageId: message.id, endpointId, nextAttemptAt: now, createdAt: now }, select: { id: true } });
      made.push({ id: d.id, endpointId });
    }
    return made;
  });
}

export function findDelivery(id: string) {
  return db().webhookDelivery.findUnique({ where: { id }, include: { ...withEventType } });
}

export function findDeliveryDetail(id: string) {
  return db().webhookDelivery.findUnique({
    where: { id },
    include: { message: true, attempts: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 100 } },
  });
}

export async function listDeliveries(
  endpointId: string,
  q: { status?: string | undefined; page: number; pageSize: number },
): Promise<{ items: (DeliveryRow & { lastLatencyMs: number | null })[]; total: number }> {
  const where = { endpointId, ...(q.status ? { status: q.status } : {}) };
  const [rows, total] = await Promise.all([
    db().webhookDelivery.findMany({
      where,
      include: { ...withEventType, attempts: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 1, select: { latencyMs: true } } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    }),
    db().webhookDelivery.count({ where }),
  ]);
  return { items: rows.map(({ attempts, ...d }) => ({ ...d, lastLatencyMs: attempts[0]?.latencyMs ?? null })), total };
}

/** Due deliveries not held by a worker, oldest first. */
export async function dueDeliveries(now: Date, limit: number): Promise<string[]> {
  const rows = await db().webhookDelivery.findMany({
    where: { status: "pending", nextAttemptAt: { lte: now }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
    orderBy: { nextAttemptAt: "asc" },
    take: limit,
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/** Holds a delivery for one attempt (pending and due, or any status for a redelivery): true for the one worker that got it. */
export async function claimDelivery(id: string, now: Date, until: Date, opts: { anyStatus?: boolean } = {}): Promise<boolean> {
  const { count } = await db().webhookDelivery.updateMany({
    where: {
      id,
      OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
      ...(opts.anyStatus ? {} : { status: "pending", nextAttemptAt: { lte: now } }),
    },
    data: { lockedUntil: until },
  });
  return count === 1;
}

/** Lets go of a claim without an attempt (it is made again). */
export async function releaseDelivery(id: string): Promise<void> {
  await db().webhookDelivery.updateMany({ where: { id }, data: { lockedUntil: null } });
}

/** What to send: the message, and the endpoint's URL and secrets. */
export function deliveryToSend(id: string) {
  return db().webhookDelivery.findUnique({ where: { id }, include: { message: true, endpoint: true } });
}

/** Records an attempt and where the delivery stands after it, releasing the claim. */
export async function recordAttempt(
  id: string,
  attempt: { trigger: string; status: number | null; latencyMs: number; response: string | null; error: string | null; createdAt: Date },
  next: { status: string; attemptCount: number; nextAttemptAt: Date | null },
): Promise<void> {
  await transaction(async (tx) => {
    await tx.webhookAttempt.create({ data: { deliveryId: id, ...attempt } });
    await tx.webhookDelivery.update({
      where: { id },
      data: { ...next, lastStatus: attempt.status, lastError: attempt.error, lockedUntil: null },
    });
  });
}

/** An endpoint the console disabled (410 Gone): its pending deliveries end as failed. */
export async function disableEndpoint(id: string, reason: string): Promise<void> {
  await transaction(async (tx) => {
    await tx.webhookEndpoint.update({ where: { id }, data: { enabled: false, disabledReason: reason } });
    await tx.webhookDelivery.updateMany({
      where: { endpointId: id, status: "pending" },
      data: { status: "failed", nextAttemptAt: null, lastError: `endpoint disabled: ${reason}` },
    });
  });
}

/** Messages no delivery refers to any more, and deliveries older than `before`, go. */
export async function pruneBefore(before: Date): Promise<number> {
  const { count } = await db().webhookDelivery.deleteMany({ where: { createdAt: { lt: before }, status: { not: "pending" } } });
  await db().webhookMessage.deleteMany({ where: { createdAt: { lt: before }, deliveries: { none: {} } } });
  return count;
}

export function usernamesOf(ids: string[]) {
  return db().user.findMany({ where: { id: { in: ids } }, select: { id: true, username: true } });
}

/** An instance as an event tells of it. */
export function instanceForEvent(id: string) {
  return db().instance.findUnique({ where: { id }, include: { node: { select: { name: true } } } });
}

/** A run as an event tells of it (without its log or response). */
export function runForEvent(id: string) {
  return db().jobRun.findUnique({
    where: { id },
    omit: { log: true, responseBody: true, responseHeaders: true },
    include: { job: { select: { name: true, executor: true } } },
  });
}
