import "server-only";
import { ref } from "@/lib/i18n/message-ref";
import { logger } from "../logger";
import * as repo from "./jobs.repo";
import { overlapDecision, queueRank, type Priority } from "./policy";
import { planFires } from "./schedule";

// The scheduler: due jobs (Job.nextRunAt reached) become queued runs. Runs are made before
// the job's next fire time is moved, and a run for a scheduled time is unique per job, so
// several console processes (or one that died half-way) never make a time twice, and a
// claimed time is never lost. Overlap: `forbid` skips a fire while a run of the job is
// active, `replace` cancels the active runs first.

export type Fire = { at: Date | null; trigger: "manual" | "schedule" | "catch_up" | "api" };

/** Queues a run of `job` for a fire (or now); null when the overlap policy skips it or it exists already. */
export async function queueRun(job: repo.JobRow, fire: Fire, now = new Date()): Promise<repo.RunRow | null> {
  const active = (await repo.activeRunsOf(job.id)).filter((r) => !fire.at || r.scheduledFor?.getTime() !== fire.at.getTime());
  const decision = overlapDecision(job.overlap as "allow" | "forbid" | "replace", fire.trigger === "manual" || fire.trigger === "api" ? 0 : active.length);
  if (decision === "skip") {
    logger.info({ job: job.id, at: fire.at }, "fire skipped: a run of the job is still active (overlap: forbid)");
    return null;
  }
  if (decision === "replace") {
    for (const r of active) await repo.requestCancel(r.id, now, ref("serverMessages.run.replaced"));
  }
  return repo.insertRun({
    jobId: job.id,
    userId: job.userId,
    trigger: fire.trigger,
    priorityRank: queueRank(job.priority as Priority),
    scheduledFor: fire.at,
    queuedAt: now,
    notBefore: now,
  });
}

/** Jobs handled at once in a pass (each is a few round trips to the database). */
const PARALLEL = 8;

/** One due job's fires: its runs queued, then its next fire moved (a compare-and-set). */
async function fireJob(job: repo.JobRow, now: Date): Promise<number> {
  const from = job.nextRunAt!;
  let queued = 0;
  if (job.trigger === "once") {
    if (await queueRun(job, { at: from, trigger: "schedule" }, now)) queued++;
    await repo.claimFire(job.id, from, null);
    return queued;
  }
  const plan = planFires({ cron: job.cron!, timezone: job.timezone }, from, now, job.misfire as "skip" | "once");
  for (const f of plan.fires) if (await queueRun(job, { at: f.at, trigger: f.catchUp ? "catch_up" : "schedule" }, now)) queued++;
  if (plan.missed > 0) logger.info({ job: job.id, missed: plan.missed, misfire: job.misfire }, "fire times missed while the console was down");
  await repo.claimFire(job.id, from, plan.nextRunAt);
  return queued;
}

/**
 * One pass over every job due at `now` (in pages; times are judged against the pass's start,
 * so a burst of due jobs is not taken for an outage); answers how many runs it queued.
 */
export async function schedulePass(now = new Date()): Promise<number> {
  let queued = 0;
  const seen = new Set<string>();
  for (;;) {
    const due = (await repo.dueJobs(now)).filter((j) => !seen.has(j.id));
    if (!due.length) return queued;
    for (const j of due) seen.add(j.id);
    for (let i = 0; i < due.length; i += PARALLEL) {
      const counts = await Promise.all(
        due.slice(i, i + PARALLEL).map((job) =>
          fireJob(job, now).catch((err: unknown) => {
            logger.error({ err, job: job.id }, "scheduling a job failed");
            return 0;
          }),
        ),
      );
      queued += counts.reduce((a, b) => a + b, 0);
    }
  }
}
