import "server-only";
import { Webhook } from "standardwebhooks";
import { allowlistOf } from "../adapters/egress";
import { unseal } from "../crypto/secret-box";
import { env } from "../env";
import { runHttpRequest } from "../jobs/http-executor";
import { logger } from "../logger";
import { countWebhookDelivery } from "../metrics/exporter";
import { getSettings } from "../settings/settings.service";
import * as repo from "./webhooks.repo";

// Sending webhook deliveries (Standard Webhooks): a POST of the message's JSON with
// webhook-id (the message's, the same on every attempt), webhook-timestamp (this attempt's)
// and webhook-signature ("v1,<base64 HMAC-SHA256 of id.timestamp.body>", one per live secret,
// space-separated). The destination is checked after DNS like every request made on a
// user's behalf (no loopback, private, link-local or metadata address unless allowlisted),
// redirects are not followed, and the receiver has WEBHOOK_TIMEOUT_SEC to answer. 2xx is
// success; 410 Gone disables the endpoint; anything else is retried on
// WEBHOOK_RETRY_SCHEDULE_SEC (a 429/503's Retry-After is honoured when longer), then the
// delivery has failed. Each attempt is kept (status, latency, the answer's first KiB).

export const SECRET_CONTEXT = "webhook.secret";
const RESPONSE_KEEP_CHARS = 1024;
/** Deliveries sent at once by one process. */
const CONCURRENCY = 8;
const MAX_RETRY_AFTER_SEC = 24 * 3600;

/** The webhook-signature header: one `v1,` signature per secret. */
export function signatureHeader(secrets: string[], msgId: string, at: Date, payload: string): string {
  return secrets.map((s) => new Webhook(s).sign(msgId, at, payload)).join(" ");
}

/** Seconds from a Retry-After header (delta seconds or an HTTP date), or null. */
export function retryAfterSeconds(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now) / 1000)) : null;
}

/**
 * Where a delivery stands after a failed automatic attempt (`attempts` made so far): pending
 * again after the schedule's next wait (or the receiver's Retry-After when longer), or failed
 * when the schedule is used up. Pure.
 */
export function afterFailure(attempts: number, schedule: number[], now: Date, retryAfter: number | null): { status: string; nextAttemptAt: Date | null } {
  if (attempts >= schedule.length) return { status: "failed", nextAttemptAt: null };
  const wait = Math.max(schedule[attempts]!, Math.min(retryAfter ?? 0, MAX_RETRY_AFTER_SEC));
  return { status: "pending", nextAttemptAt: new Date(now.getTime() + wait * 1000) };
}

/**
 * One attempt at a delivery, now: claimed first (a due pending one; with "redeliver", any
 * not being sent). False when another worker holds it. A redelivery that fails leaves the
 * delivery where it stood (a pending one keeps its schedule).
 */
export async function attemptNow(id: string, trigger: "auto" | "redeliver"): Promise<boolean> {
  const e = env();
  const now = new Date();
  if (!(await repo.claimDelivery(id, now, new Date(now.getTime() + (e.WEBHOOK_TIMEOUT_SEC + 30) * 1000), { anyStatus: trigger === "redeliver" }))) return false;
  let recorded = false;
  try {
    const d = await repo.deliveryToSend(id);
    if (!d) return true;
    const at = new Date();
    // A secret sealed under another key (the console's key was replaced) cannot sign: a failed
    // attempt on the retry schedule, not a retry every tick.
    let secrets: string[] | null = null;
    try {
      secrets = [unseal(d.endpoint.secretEnc, SECRET_CONTEXT)];
      if (d.endpoint.previousSecretEnc && d.endpoint.previousSecretUntil && d.endpoint.previousSecretUntil > at)
        secrets.push(unseal(d.endpoint.previousSecretEnc, SECRET_CONTEXT));
    } catch (err) {
      logger.warn({ err, endpoint: d.endpointId }, "a webhook secret cannot be unsealed: rotate it");
    }
    const outcome =
      d.endpoint.enabled && secrets
        ? await runHttpRequest(
            {
              method: "POST",
              url: d.endpoint.url,
              headers: [
                { name: "content-type", value: "application/json", secret: false },
                { name: "user-agent", value: "AIInfraConsole-Webhooks/1", secret: false },
                { name: "webhook-id", value: d.message.id, secret: false },
                { name: "webhook-timestamp", value: String(Math.floor(at.getTime() / 1000)), secret: false },
                { name: "webhook-signature", value: signatureHeader(secrets, d.message.id, at, d.message.payload), secret: false },
              ],
              body: d.message.payload,
              acceptStatus: [],
            },
            { timeoutMs: e.WEBHOOK_TIMEOUT_SEC * 1000, allow: allowlistOf((await getSettings()).egressAllowlist), maxRedirects: 0 },
          )
        : null;
    const attempts = d.attemptCount + 1;
    const ended = new Date();
    const next = !outcome
      ? d.endpoint.enabled && trigger === "auto"
        ? afterFailure(attempts, e.WEBHOOK_RETRY_SCHEDULE_SEC, ended, null)
        : { status: d.endpoint.enabled ? d.status : "failed", nextAttemptAt: d.endpoint.enabled ? d.nextAttemptAt : null }
      : outcome.ok
        ? { status: "succeeded", nextAttemptAt: null }
        : trigger === "redeliver"
          ? { status: d.status, nextAttemptAt: d.nextAttemptAt }
          : outcome.status === 410
            ? { status: "failed", nextAttemptAt: null }
            : afterFailure(attempts, e.WEBHOOK_RETRY_SCHEDULE_SEC, ended, retryAfterSeconds(outcome.headers["retry-after"]));
    await repo.recordAttempt(
      id,
      {
        trigger,
        status: outcome?.status ?? null,
        latencyMs: outcome?.latencyMs ?? 0,
        response: outcome?.body ? outcome.body.slice(0, RESPONSE_KEEP_CHARS) : null,
        error: outcome
          ? outcome.error
          : d.endpoint.enabled
            ? "the signing secret cannot be read (the console's key changed): rotate the secret"
            : "the endpoint is disabled",
        createdAt: at,
      },
      { ...next, attemptCount: attempts },
    );
    recorded = true;
    countWebhookDelivery(d.message.eventType, outcome?.ok ? "success" : "failure");
    if (outcome?.status === 410) await repo.disableEndpoint(d.endpointId, "the receiver answered 410 Gone");
    return true;
  } finally {
    // A database failure mid-way: the claim ends so the attempt is made again.
    if (!recorded) await repo.releaseDelivery(id).catch(() => undefined);
  }
}

/**
 * The delivery loop of this process: each tick sends the due deliveries, CONCURRENCY at a
 * time. A tick asked for while one runs makes one more pass after it (events queued meanwhile
 * are not left to the next interval).
 */
export function createWebhookDispatcher() {
  let running: Promise<void> | null = null;
  let again = false;
  async function pass(): Promise<void> {
    for (;;) {
      const due = await repo.dueDeliveries(new Date(), CONCURRENCY * 4);
      if (!due.length) return;
      let k = 0;
      await Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, due.length) }, async () => {
          while (k < due.length) {
            const id = due[k++]!;
            await attemptNow(id, "auto").catch((err: unknown) => logger.warn({ err, delivery: id }, "webhook delivery attempt failed"));
          }
        }),
      );
      if (due.length < CONCURRENCY * 4) return;
    }
  }
  return {
    tick(): Promise<void> {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        do {
          again = false;
          await pass();
        } while (again);
      })().finally(() => {
        running = null;
      });
      return running;
    },
  };
}
