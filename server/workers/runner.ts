import "server-only";
import { logger } from "../logger";

// Runs background workers on fixed intervals in the console process. A run never overlaps
// the previous one of the same worker; a failing run is logged and retried next interval;
// stop() waits for runs in flight.

export type Worker = {
  name: string;
  intervalMs: number;
  /** Also run once at start (e.g. reconcile after a restart). */
  runAtStart?: boolean;
  run: (signal: AbortSignal) => Promise<void>;
};

export function startWorkers(workers: Worker[]): { stop: () => Promise<void> } {
  const abort = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();

  const schedule = (w: Worker, delay: number) => {
    if (abort.signal.aborted) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const started = performance.now();
      const run = w
        .run(abort.signal)
        .catch((err: unknown) => logger.error({ err, worker: w.name }, "worker run failed"))
        .finally(() => {
          inFlight.delete(run);
          logger.debug({ worker: w.name, ms: Math.round(performance.now() - started) }, "worker run");
          schedule(w, w.intervalMs);
        });
      inFlight.add(run);
    }, delay);
    timers.add(timer);
  };

  for (const w of workers) schedule(w, w.runAtStart ? 0 : w.intervalMs);
  return {
    stop: async () => {
      abort.abort();
      for (const t of timers) clearTimeout(t);
      await Promise.all(inFlight);
    },
  };
}
