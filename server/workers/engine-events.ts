import "server-only";
import { syncEngineWatches } from "../instances/engine-events";
import { allNodeRows } from "../nodes/nodes.service";
import type { Worker } from "./runner";

// Keeps a watch on every online node's engine events (server/instances/engine-events.ts);
// each run starts watches for nodes that came online and ends those of nodes that went away.
export function engineEventsWorker(): Worker {
  return {
    name: "engine-events",
    intervalMs: 10_000,
    runAtStart: true,
    run: async (signal) => syncEngineWatches(await allNodeRows(), signal),
  };
}
