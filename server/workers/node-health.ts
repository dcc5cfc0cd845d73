import "server-only";
import { env } from "../env";
import { allNodeRows, checkHealth } from "../nodes/nodes.service";
import type { Worker } from "./runner";

// Checks every node's Docker engine on an interval, keeping status and lastSeenAt and
// recording each online/offline change. A few nodes are checked at a time.

const PARALLEL = 8;

export function nodeHealthWorker(): Worker {
  const intervalMs = env().NODE_HEALTH_INTERVAL_SEC * 1000;
  return {
    name: "node-health",
    intervalMs,
    runAtStart: true,
    run: async (signal) => {
      const nodes = await allNodeRows();
      const timeout = Math.min(10_000, Math.max(1_000, intervalMs / 2));
      for (let i = 0; i < nodes.length && !signal.aborted; i += PARALLEL) {
        await Promise.all(nodes.slice(i, i + PARALLEL).map((n) => checkHealth(n, timeout)));
      }
    },
  };
}
