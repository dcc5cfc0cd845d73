import "server-only";
import { env } from "../env";
import { applyRetention, collectAll } from "../metrics/gpu.service";
import type { Worker } from "./runner";

// Reads every online GPU node's nvidia-smi every GPU_POLL_SEC, and folds old samples into
// one-minute averages every ten minutes.
export function gpuCollectorWorker(): Worker {
  const intervalMs = env().GPU_POLL_SEC * 1000;
  return { name: "gpu-collector", intervalMs, runAtStart: true, run: (signal) => collectAll(signal, Math.min(10_000, Math.max(2_000, intervalMs))) };
}

export function gpuRetentionWorker(): Worker {
  return { name: "gpu-retention", intervalMs: 10 * 60_000, runAtStart: true, run: async () => void (await applyRetention()) };
}
