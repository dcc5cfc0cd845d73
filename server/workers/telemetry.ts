import "server-only";
import { env } from "../env";
import { applyRetention, collectAll } from "../metrics/gpu.service";
import { applyInstanceRetention, sampleRunning } from "../metrics/instance-stats.service";
import { applyNotificationRetention } from "../notifications/notifications.service";
import { applySignOutRetention } from "../users/sessions.service";
import { pruneAuditEvents } from "../audit/audit.service";
import { getSettings } from "../settings/settings.service";
import { pruneSystemLogs } from "../system/system-logs.service";
import type { Worker } from "./runner";

// Telemetry workers: every online GPU node's nvidia-smi every GPU_POLL_SEC, running
// instances' container stats every INSTANCE_STATS_SEC, and retention every ten minutes.
export function gpuCollectorWorker(): Worker {
  const intervalMs = env().GPU_POLL_SEC * 1000;
  return { name: "gpu-collector", intervalMs, runAtStart: true, run: (signal) => collectAll(signal, Math.min(10_000, Math.max(2_000, intervalMs))) };
}

/** Samples running instances' container stats for their history. */
export function instanceStatsWorker(): Worker {
  return { name: "instance-stats", intervalMs: env().INSTANCE_STATS_SEC * 1000, runAtStart: false, run: async (signal) => void (await sampleRunning(signal)) };
}

export function retentionWorker(): Worker {
  return {
    name: "metrics-retention",
    intervalMs: 10 * 60_000,
    runAtStart: true,
    run: async () => {
      await applyRetention();
      await applyInstanceRetention();
      await applyNotificationRetention();
      await applySignOutRetention();
      const settings = await getSettings();
      await pruneAuditEvents(settings.auditRetentionDays);
      await pruneSystemLogs(settings.systemLogRetentionDays);
    },
  };
}
