import "server-only";
import { allowlistOf } from "../adapters/egress";
import { createDispatcher } from "../jobs/dispatcher";
import { executors, knownWait } from "../jobs/executors";
import { schedulePass } from "../jobs/scheduler";
import { env } from "../env";
import { on } from "../events";
import { getSettings } from "../settings/settings.service";
import { processSingleton } from "../singleton";
import type { Worker } from "./runner";

// Job workers: the scheduler (due fires become queued runs, twice a second so per-second
// schedules keep time), the dispatcher (queued runs start) and the sweep of runs whose
// process died. Safe in several console processes: every step is a claim in the database.

const dispatcher = () =>
  processSingleton("job-dispatcher", () =>
    createDispatcher({
      maxRunningPerUser: async () => (await getSettings()).maxRunningJobsPerUser,
      execute: executors(async () => allowlistOf((await getSettings()).egressAllowlist)),
      knownWait,
    }),
  );

export function jobWorkers(): Worker[] {
  return [
    { name: "job-scheduler", intervalMs: 500, runAtStart: true, run: async () => void (await schedulePass()) },
    // Also at once when a run is queued or ends in this process (see startJobNudges).
    { name: "job-dispatcher", intervalMs: 1_000, runAtStart: true, run: async () => void (await dispatcher().tick()) },
    // A third of the lease: a run whose process died is taken over within about 1⅓ leases.
    { name: "job-lost-runs", intervalMs: (env().JOB_LEASE_SEC * 1000) / 3, runAtStart: true, run: async () => void (await dispatcher().sweepLost()) },
  ];
}

/** A run queued or ended in this process: a dispatch pass at once rather than at the next second. */
export function startJobNudges(): () => void {
  return on("jobs.queueChanged", () => void dispatcher().tick());
}
