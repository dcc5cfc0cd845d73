import "server-only";
import { meterAll } from "../billing/meter";
import { env } from "../env";
import { stopForBalance } from "../instances/stop";
import { cancelRunsForBalance } from "../jobs/jobs.service";
import { logger } from "../logger";
import type { Worker } from "./runner";

// Charges running time every BILLING_INTERVAL_SEC and stops the instances (and cancels the
// runs on the nodes) of users whose balance ran out. Not at start: the reconciler's first pass (at start) usually records
// what changed while the console was down before missed intervals are charged; when it
// comes later, time charged past a container's real end is refunded.
export function meterWorker(): Worker {
  return {
    name: "meter",
    intervalMs: env().BILLING_INTERVAL_SEC * 1000,
    runAtStart: false,
    run: async (signal) => {
      const { exhaustedUsers } = await meterAll(signal);
      // Every user at once: nobody's instances wait for another user's stops.
      await Promise.all(
        exhaustedUsers.map(async (userId) => {
          const stopped = await stopForBalance(userId);
          const cancelled = await cancelRunsForBalance(userId);
          if (stopped.length || cancelled)
            logger.info({ userId, instances: stopped.length, runs: cancelled }, "balance used up: instances stopped, runs cancelled");
        }),
      );
    },
  };
}
