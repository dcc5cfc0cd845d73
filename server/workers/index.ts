import "server-only";
import { gpuCollectorWorker, instanceStatsWorker, retentionWorker } from "./telemetry";
import { clusterHealthWorker } from "./cluster-health";
import { engineEventsWorker } from "./engine-events";
import { jobWorkers } from "./jobs";
import { meterWorker } from "./meter";
import { nodeHealthWorker } from "./node-health";
import { reconcilerWorker } from "./reconciler";
import type { Worker } from "./runner";
import { webhookWorkers } from "./webhooks";

// The console's background workers; server/main.ts starts them with the runner.
export function workers(): Worker[] {
  return [
    nodeHealthWorker(),
    clusterHealthWorker(),
    reconcilerWorker(),
    engineEventsWorker(),
    meterWorker(),
    gpuCollectorWorker(),
    instanceStatsWorker(),
    retentionWorker(),
    ...jobWorkers(),
    ...webhookWorkers(),
  ];
}
