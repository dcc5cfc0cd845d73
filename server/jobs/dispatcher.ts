import "server-only";
import { reasonText, ref, type StatusReason, statusFields } from "@/lib/i18n/message-ref";
import { wait } from "./wait";
import { randomUUID } from "node:crypto";
import { env } from "../env";
import { emit } from "../events";
import { logger } from "../logger";
import { processSingleton } from "../singleton";
import * as repo from "./jobs.repo";
import { retryDelaySeconds, type RetryPolicy } from "./policy";

// The dispatcher: queued runs start in queue order (priority, then submission) when their
// owner is under the running-jobs limit, each claimed by one process (compare-and-set on its
// status) and held by a lease renewed while it runs. A run that cannot be placed yet goes
// back to the queue with the reason it waits. A run whose process died is taken over when
// its lease lapses (three renewal periods): one with a workload on a node or a job in a Slurm
// cluster is watched again (its container or job never stopped); one without is `lost` and
// retried by its job's policy, like a failed or timed-out one.

export type RunEnd = {
  status: "succeeded" | "failed" | "timed_out" | "cancelled";
  message: StatusReason | null;
  /** false: a failure not to retry (its outcome is unknown, so running it again could repeat work that was done). */
  retry?: false;
  data?: Omit<Parameters<typeof repo.settleRun>[2], "status" | "statusMessage" | "finishedAt">;
};

/** Not now: the run goes back to the queue, saying why it waits (no capacity, balance). */
export type RunWait = { wait: StatusReason };

/** What an executor may do to its run while it holds it. */
export type RunContext = {
  /** Its workload is placed and being made: `starting`, with where. False: it was cancelled meanwhile. */
  starting(data: { nodeId: string | null; instanceId: string }): Promise<boolean>;
  /** The run started (its workload runs): `running`, with where. False: it was cancelled meanwhile. */
  started(data?: { nodeId?: string; instanceId?: string }): Promise<boolean>;
  /** Records facts on the run as it goes (its workload, progress). False: it was cancelled meanwhile. */
  record(data: Omit<Parameters<typeof repo.settleRun>[2], "status">): Promise<boolean>;
};

/**
 * Runs one claimed run to its end; `signal` aborts it (cancel, shutdown). Executors implement
 * this. A run taken over from a process that died comes again with what it recorded.
 */
export type Execute = (run: repo.RunRow, job: repo.JobRow, signal: AbortSignal, ctx: RunContext) => Promise<RunEnd | RunWait>;

/** Aborts of the runs this process executes, by run: a cancel asked here acts at once. */
const local = processSingleton("job-run-aborts", () => new Map<string, AbortController>());

/** Stops a run executing in this process now (others see the cancel at their next renewal). */
export function abortLocal(runId: string): void {
  local.get(runId)?.abort(new Error("cancelled"));
}

export type DispatcherOptions = {
  maxRunningPerUser: () => Promise<number>;
  execute: Execute;
  /** Why a run would wait if tried now, when that is known without trying (see container-executor). */
  knownWait?: (run: repo.RunRow) => StatusReason | null;
  owner?: string;
  /** How long a claim holds without renewal (renewed every third of it). Default: JOB_LEASE_SEC. */
  leaseMs?: number;
};

/** The longest a pass waits for one run's placement before it starts the next. */
const PLACEMENT_WAIT_MS = 10_000;

export function createDispatcher(opts: DispatcherOptions) {
  const owner = opts.owner ?? randomUUID();
  const leaseMs = opts.leaseMs ?? env().JOB_LEASE_SEC * 1000;
  const running = new Map<string, Promise<void>>();

  async function retryIfDue(run: repo.RunRow, job: repo.JobRow, now: Date): Promise<void> {
    const policy: RetryPolicy = {
      maxAttempts: job.maxAttempts,
      backoff: job.backoff as RetryPolicy["backoff"],
      delaySeconds: job.retryDelaySeconds,
      maxDelaySeconds: job.retryMaxDelaySeconds,
    };
    const delay = retryDelaySeconds(policy, run.attempt + 1);
    if (delay === null || job.deletedAt || job.status === "disabled") return;
    await repo.insertRun({
      jobId: run.jobId,
      userId: run.userId,
      firstRunId: run.firstRunId ?? run.id,
      attempt: run.attempt + 1,
      trigger: "retry",
      priorityRank: run.priorityRank,
      queuedAt: now,
      notBefore: new Date(now.getTime() + delay * 1000),
    });
  }

  async function finish(run: repo.RunRow, job: repo.JobRow, end: RunEnd): Promise<void> {
    const now = new Date();
    const settled = await repo.settleRun(run.id, owner, {
      ...end.data,
      // What an ended run held against the balance is free again.
      reservedCents: 0,
      status: end.status,
      // A cancel keeps the message its request wrote (who cancelled, or why).
      ...(end.status === "cancelled" && end.message === null ? {} : statusFields(end.message)),
      finishedAt: now,
      leaseOwner: null,
      leaseUntil: null,
    });
    if (settled && end.retry !== false && (end.status === "failed" || end.status === "timed_out")) await retryIfDue(run, job, now);
  }

  async function execute(run: repo.RunRow, placed: () => void): Promise<void> {
    const abort = new AbortController();
    local.set(run.id, abort);
    const renew = setInterval(() => {
      void (async () => {
        await repo.renewRun(run.id, owner, new Date(Date.now() + leaseMs));
        if (await repo.cancelRequested(run.id)) abort.abort(new Error("cancelled"));
      })().catch((err: unknown) => logger.warn({ err, run: run.id }, "run lease renewal failed"));
    }, leaseMs / 3);
    renew.unref();
    let freed = true;
    try {
      const job = await repo.findJobEvenDeleted(run.jobId);
      if (!job) {
        await repo.settleRun(run.id, owner, {
          status: "failed",
          ...statusFields(ref("serverMessages.jobs.deleted")),
          finishedAt: new Date(),
          leaseOwner: null,
          leaseUntil: null,
        });
        return;
      }
      if (run.cancelRequestedAt) abort.abort(new Error("cancelled"));
      // When it started (a run taken over started before).
      let startedAt = run.startedAt;
      // Deleted or disabled since it was queued: it does not start (one already running is watched to its end).
      if ((job.deletedAt || job.status === "disabled") && !run.instanceId && run.slurmJobId === null) {
        const why = ref(job.deletedAt ? "serverMessages.run.cancelledDeleted" : "serverMessages.run.cancelledDisabled");
        await finish(run, job, { status: "cancelled", message: why });
        return;
      }
      const ctx: RunContext = {
        starting: (data) => {
          startedAt = new Date();
          placed();
          return repo.settleRun(run.id, owner, { status: "starting", statusMessage: null, statusRef: null, startedAt, ...data });
        },
        started: async (data = {}) => {
          placed();
          const first = startedAt ? {} : { startedAt: new Date() };
          startedAt ??= new Date();
          return repo.settleRun(run.id, owner, { status: "running", statusMessage: null, statusRef: null, ...first, ...data });
        },
        record: (data) => repo.settleRun(run.id, owner, data),
      };
      let end: RunEnd | RunWait;
      try {
        end = await opts.execute(run, job, abort.signal, ctx);
      } catch (err) {
        logger.error({ err, run: run.id }, "run failed in the console");
        end = { status: "failed", message: "Internal error while running it" };
      }
      if ("wait" in end) {
        // A cancel that came meanwhile (here, or recorded by another process) wins over waiting.
        if (abort.signal.aborted || !(await repo.requeueRun(run.id, owner, end.wait))) await finish(run, job, { status: "cancelled", message: null });
        // Waiting frees nothing: no nudge (the next pass tries again), or a run that waits would spin.
        else freed = false;
        return;
      }
      if (abort.signal.aborted && end.status !== "succeeded") end = { ...end, status: "cancelled", message: null };
      await finish(run, job, end);
    } finally {
      clearInterval(renew);
      local.delete(run.id);
      // What it held is free: waiting runs may start now.
      if (freed) emit("jobs.queueChanged", { runId: run.id });
    }
  }

  /** Starts what may start now; answers how many runs it took. */
  async function pass(now = new Date()): Promise<number> {
    const limit = await opts.maxRunningPerUser();
    // Each user's first few: enough to fill their limit past runs that cannot be placed now.
    const queued = await repo.queuedRuns(now, Math.min(50, limit + 10));
    if (!queued.length) return 0;
    const counts = await repo.runningByUser([...new Set(queued.map((r) => r.userId))]);
    let taken = 0;
    for (const run of queued) {
      // Already executing here (a claim whose lease looks lapsed to a pass with a later clock).
      if (running.has(run.id)) continue;
      // Slurm runs wait in the cluster's queue, under its own limits.
      const limited = run.job.executor !== "slurm";
      if (limited && (counts.get(run.userId) ?? 0) >= limit) {
        const why = ref(limit === 1 ? "serverMessages.run.waitingLimit" : "serverMessages.run.waitingLimitMany", { limit });
        if (run.statusMessage !== reasonText(why)) await repo.noteWaiting(run.id, why);
        continue;
      }
      const known = opts.knownWait?.(run);
      if (known) {
        if (run.statusMessage !== reasonText(known)) await repo.noteWaiting(run.id, known);
        continue;
      }
      if (!(await repo.claimRun(run.id, owner, new Date(now.getTime() + leaseMs), now))) continue;
      if (limited) counts.set(run.userId, (counts.get(run.userId) ?? 0) + 1);
      taken++;
      // Runs placed on the console's nodes are placed one after another, in queue order (a
      // critical run is not overtaken by the runs claimed after it); the rest start at once.
      const placement = start(run);
      if (run.job.executor === "container" || run.job.executor === "python") await Promise.race([placement, wait(PLACEMENT_WAIT_MS)]);
    }
    return taken;
  }

  /** Starts a run; answers when its workload is placed (or it ended, or waits again). */
  function start(run: repo.RunRow): Promise<void> {
    let placed!: () => void;
    const placement = new Promise<void>((resolve) => {
      placed = resolve;
    });
    const done = execute(run, placed)
      .catch((err: unknown) => logger.error({ err, run: run.id }, "run ended badly"))
      .finally(() => {
        placed();
        running.delete(run.id);
      });
    running.set(run.id, done);
    return placement;
  }

  /**
   * Runs whose process died: one with a workload on a node is taken over and watched again
   * (answered as `adopted`); the others are lost, and retried by their job's policy.
   */
  async function sweepLost(now = new Date()): Promise<number> {
    let lost = 0;
    for (const run of await repo.lapsedRuns(now)) {
      if (running.has(run.id)) continue;
      if (run.instanceId || run.slurmJobId !== null) {
        if (!(await repo.adoptRun(run.id, run.leaseUntil, owner, new Date(now.getTime() + leaseMs)))) continue;
        logger.info({ run: run.id }, "took over a run whose console process stopped");
        void start(run);
        continue;
      }
      if (!(await repo.markLost(run.id, run.leaseUntil, now))) continue;
      lost++;
      const job = await repo.findJobEvenDeleted(run.jobId);
      if (job) await retryIfDue(run, job, now);
    }
    return lost;
  }

  /**
   * A pass now, or right after the one under way (passes of one process never overlap, so
   * the per-user limit counts what the previous pass started).
   */
  let passing: Promise<number> | null = null;
  let again = false;
  function tick(): Promise<number> {
    if (passing) {
      again = true;
      return passing;
    }
    passing = pass()
      .catch((err: unknown) => {
        logger.error({ err }, "dispatch pass failed");
        return 0;
      })
      .finally(() => {
        passing = null;
        if (again) {
          again = false;
          void tick();
        }
      });
    return passing;
  }

  return {
    owner,
    pass,
    tick,
    sweepLost,
    /** Runs of this process still going. */
    get active() {
      return running.size;
    },
    /** Waits for this process's runs (tests, shutdown). */
    async drain() {
      await Promise.all([...running.values()]);
    },
  };
}
