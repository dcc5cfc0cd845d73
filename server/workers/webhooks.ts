import "server-only";
import { on } from "../events";
import { processSingleton } from "../singleton";
import { createWebhookDispatcher } from "../webhooks/delivery";
import { startWebhookSources } from "../webhooks/sources";
import { pruneDeliveries } from "../webhooks/webhooks.service";
import type { Worker } from "./runner";

// Webhooks: the delivery loop (due deliveries every second, and at once when this process
// queues one) and the pruning of old deliveries. Safe in several console processes: each
// attempt is a claim in the database.

const dispatcher = () => processSingleton("webhook-dispatcher", createWebhookDispatcher);

export function webhookWorkers(): Worker[] {
  return [
    { name: "webhook-delivery", intervalMs: 1_000, runAtStart: true, run: () => dispatcher().tick() },
    { name: "webhook-prune", intervalMs: 3600_000, runAtStart: true, run: async () => void (await pruneDeliveries()) },
  ];
}

/** Domain events become webhook events; a queued one is sent at once rather than at the next second. */
export function startWebhooks(): { stop: () => Promise<void> } {
  const sources = startWebhookSources();
  const off = on("webhooks.queued", () => void dispatcher().tick());
  return {
    stop: async () => {
      off();
      await sources.stop();
    },
  };
}
