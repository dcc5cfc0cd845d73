import "server-only";
import { env } from "../env";
import { reconcileAll } from "../instances/reconcile";
import type { Worker } from "./runner";

// Compares instances with their nodes' containers at start and every RECONCILE_INTERVAL_SEC.
export function reconcilerWorker(): Worker {
  const intervalMs = env().RECONCILE_INTERVAL_SEC * 1000;
  return {
    name: "reconciler",
    intervalMs,
    runAtStart: true,
    run: (signal) => reconcileAll(signal, Math.min(10_000, Math.max(2_000, intervalMs))),
  };
}
