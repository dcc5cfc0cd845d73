import "server-only";
import { RUN_ENDED, type TCreateJobRequest, type TJobRun, type TUpdateJobRequest, ZCreateJobRequest } from "@/lib/contracts/jobs";
import type { TPageQuery } from "@/lib/contracts/common";
import { parseRef, type StatusReason } from "@/lib/i18n/message-ref";
import { audited, auditNote } from "../audit/audit.service";
import { isAdmin } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { AppError, notFound, ref, stateWord, validationError } from "../http/errors";
import { assertNotInMaintenance, getSettings } from "../settings/settings.service";
import { inputOf, storedConfig, toJobDto } from "./job-config";
import { queueRank, type Priority } from "./policy";
import * as repo from "./jobs.repo";
import { nextFire, scheduleProblem } from "./schedule";
import { queueRun } from "./scheduler";
import { abortLocal } from "./dispatcher";
import { findImage } from "../images/images.repo";
import { balanceUsedUp } from "../billing/billing.service";
import { findSpec } from "../specs/specs.repo";
import { assertSlurmTarget } from "./slurm-executor";

// Jobs: define, read, trigger; runs: read and cancel. Owner-scoped (another user's job or
// run is not found); administrators see all.

const invalid = (path: string, message: string) => new AppError("VALIDATION_FAILED", `${path} ${message}`, { issues: [{ path, message }] });

/** When a job fires first, from its trigger; checks the trigger's fields (naming them). */
function firstFire(input: TCreateJobRequest, now: Date): Date | null {
  if (input.trigger === "now") return null;
  if (input.trigger === "once") {
    if (!input.runAt) throw invalid("runAt", "is required when trigger is once");
    const at = new Date(input.runAt);
    if (at.getTime() <= now.getTime()) throw invalid("runAt", "must be in the future");
    return at;
  }
  if (!input.cron) throw invalid("cron", "is required when trigger is cron");
  const problem = scheduleProblem({ cron: input.cron, timezone: input.timezone });
  if (problem) throw invalid(problem.path, problem.message);
  return nextFire({ cron: input.cron, timezone: input.timezone }, now);
}

/**
 * Container and python jobs run an image with a spec's resources: both must exist and be
 * offered to the caller. Slurm jobs need their cluster (and a partition it has, when it can
 * be asked now).
 */
async function assertRunsOn(p: Principal, input: TCreateJobRequest, ownerId = p.userId): Promise<void> {
  if (input.executor === "http") return;
  if (input.executor === "slurm") return assertSlurmTarget(ownerId, input.slurm, input.timeoutSeconds);
  if (!input.imageId) throw invalid("imageId", `is required for ${input.executor} jobs`);
  if (!input.specId) throw invalid("specId", `is required for ${input.executor} jobs`);
  const [image, spec] = await Promise.all([findImage(input.imageId), findSpec(input.specId)]);
  if (!image || (!image.isListed && !isAdmin(p))) throw notFound("Image");
  if (!spec || (!spec.isListed && !isAdmin(p))) throw notFound("Spec");
}

const onNodes = (input: TCreateJobRequest) => input.executor === "container" || input.executor === "python";

/** The job's columns from a checked request (the executor's settings sealed as stored). */
function columnsOf(input: TCreateJobRequest, timeoutSeconds: number, nextRunAt: Date | null, previousConfig: string | null = null) {
  const retry = input.retry ?? { maxAttempts: 1, backoff: "exponential" as const, delaySeconds: 10, maxDelaySeconds: 600 };
  return {
    name: input.name,
    description: input.description ?? null,
    executor: input.executor,
    config: storedConfig(input, previousConfig),
    imageId: onNodes(input) ? input.imageId! : null,
    specId: onNodes(input) ? input.specId! : null,
    clusterId: input.executor === "slurm" ? input.slurm.clusterId : null,
    nodeTags: JSON.stringify(input.nodeTags),
    priority: input.priority,
    maxAttempts: retry.maxAttempts,
    backoff: retry.backoff,
    retryDelaySeconds: retry.delaySeconds,
    retryMaxDelaySeconds: retry.maxDelaySeconds,
    timeoutSeconds,
    trigger: input.trigger,
    runAt: input.trigger === "once" ? nextRunAt : null,
    cron: input.trigger === "cron" ? input.cron! : null,
    timezone: input.timezone,
    overlap: input.overlap,
    misfire: input.misfire,
    nextRunAt,
  };
}

/**
 * What the audit keeps of a job: its shape, never what it carries (commands, scripts, URLs,
 * headers, bodies and environment values may hold credentials): variable and header names only.
 */
function jobAuditDetail(input: TCreateJobRequest): Record<string, unknown> {
  const config = (input as Record<string, unknown>)[input.executor] as {
    env?: Record<string, string>;
    headers?: { name: string }[];
    method?: string;
    partition?: string;
  };
  return {
    name: input.name,
    executor: input.executor,
    trigger: input.trigger,
    cron: input.cron ?? null,
    priority: input.priority,
    imageId: input.imageId ?? null,
    specId: input.specId ?? null,
    nodeTags: input.nodeTags,
    envNames: Object.keys(config?.env ?? {}),
    headerNames: (config?.headers ?? []).map((h) => h.name),
    ...(config?.method ? { method: config.method } : {}),
  };
}

export async function createJob(p: Principal, input: TCreateJobRequest) {
  await assertNotInMaintenance(p);
  await assertRunsOn(p, input);
  const now = new Date();
  const nextRunAt = firstFire(input, now);
  const timeout = input.timeoutSeconds ?? (await getSettings()).jobDefaultTimeoutSeconds;
  auditNote({ detail: jobAuditDetail(input) });
  const job = await audited(async () => {
    const row = await repo.insertJob({ userId: p.userId, ...columnsOf(input, timeout, nextRunAt) });
    auditNote({ target: { type: "job", id: row.id, name: row.name } });
    if (input.trigger === "now") await queueRun(row, { at: null, trigger: "api" }, now);
    return row;
  });
  return jobDto(job);
}

/**
 * Changes a job: the update is merged into the job as it is and checked as a whole (the
 * fields named as in a create). Its next fire is worked out again from now; a job set to run
 * `now` is not run by the change (trigger it).
 */
export async function updateJob(p: Principal, id: string, patch: TUpdateJobRequest) {
  const job = await loadJob(p, id);
  auditNote({ target: { type: "job", id, name: job.name }, detail: { changed: Object.keys(stripUndefined(patch)) } });
  const merged = ZCreateJobRequest.safeParse({ ...inputOf(job), ...stripUndefined(patch) });
  if (!merged.success) throw validationError(merged.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  const input = merged.data;
  if (input.executor !== job.executor) throw invalid("executor", "cannot be changed; make a new job");
  await assertRunsOn(p, input, job.userId);
  const now = new Date();
  // A once-job's past time is not checked again unless it is changed.
  const keepsPastRunAt = input.trigger === "once" && patch.runAt === undefined && job.trigger === "once";
  const nextRunAt = keepsPastRunAt ? (job.nextRunAt ?? null) : firstFire(input, now);
  const updated = await audited(() => repo.updateJob(id, columnsOf(input, input.timeoutSeconds ?? job.timeoutSeconds, nextRunAt, job.config)));
  return jobDto(updated);
}

const stripUndefined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** Deletes a job: queued runs cancelled, running ones stopped; runs stay readable. */
export async function deleteJob(p: Principal, id: string): Promise<void> {
  const job = await loadJob(p, id);
  auditNote({ target: { type: "job", id, name: job.name } });
  await audited(() => repo.updateJob(id, { deletedAt: new Date(), nextRunAt: null }));
  await cancelActive(job.id, ref("serverMessages.run.cancelledDeletedBy", { user: p.username }));
}

async function cancelActive(jobId: string, message: StatusReason): Promise<void> {
  for (const r of await repo.activeRunsOf(jobId)) if ((await repo.requestCancel(r.id, new Date(), message)) === "requested") abortLocal(r.id);
}

/** Pause (the schedule stops; triggers still work), disable (nothing runs), resume (the schedule goes on from now). */
export async function setJobStatus(p: Principal, id: string, to: "paused" | "disabled" | "active") {
  const job = await loadJob(p, id);
  auditNote({ target: { type: "job", id, name: job.name } });
  if (job.status === to) throw new AppError("INVALID_STATE", ref("serverMessages.jobs.already", { status: stateWord(to) }));
  if (to === "paused" && job.status === "disabled") throw new AppError("INVALID_STATE", ref("serverMessages.jobs.disabledResume"));
  const now = new Date();
  const nextRunAt =
    to !== "active"
      ? job.nextRunAt
      : job.trigger === "cron"
        ? nextFire({ cron: job.cron!, timezone: job.timezone }, now)
        : job.trigger === "once" && job.runAt && job.runAt > now
          ? job.runAt
          : null;
  const why = ref("serverMessages.run.cancelledDisabledBy", { user: p.username });
  const updated = await audited(async () => {
    const row = await repo.updateJob(id, { status: to, nextRunAt });
    // Disabled: nothing of it runs; what waits in the queue is cancelled (running runs go on to their end).
    if (to === "disabled") await repo.cancelQueuedOf(id, now, why);
    return row;
  });
  if (to === "disabled") {
    // Runs waiting in a Slurm cluster's queue: their jobs are cancelled there.
    for (const r of await repo.activeRunsOf(id))
      if (r.status === "queued" && r.slurmJobId !== null && (await repo.requestCancel(r.id, now, why)) === "requested") abortLocal(r.id);
  }
  return jobDto(updated);
}

async function loadJob(p: Principal, id: string): Promise<repo.JobRow> {
  const job = await repo.findJob(id);
  if (!job || (job.userId !== p.userId && !isAdmin(p))) throw notFound("Job");
  return job;
}

const lastRunDto = (r: { id: string; status: string; at: Date } | undefined) =>
  r ? { id: r.id, status: r.status as TJobRun["status"], at: r.at.toISOString() } : null;

/** A job as answered, with its newest run. */
async function jobDto(job: repo.JobRow) {
  return toJobDto(job, lastRunDto((await repo.lastRunsOf([job.id])).get(job.id)));
}

export async function getJob(p: Principal, id: string) {
  return jobDto(await loadJob(p, id));
}

/** Runs an ended run again: a new attempt of its chain (linked to the first), queued now. */
export async function retryRun(p: Principal, id: string): Promise<TJobRun> {
  const run = await repo.findRun(id);
  if (!run || (run.userId !== p.userId && !isAdmin(p))) throw notFound("Run");
  auditNote({ target: { type: "run", id, name: run.job?.name ?? null } });
  await assertNotInMaintenance(p);
  if (!(RUN_ENDED as readonly string[]).includes(run.status) || run.status === "succeeded") {
    throw new AppError("INVALID_STATE", ref("serverMessages.jobs.retryOnly", { status: stateWord(run.status) }));
  }
  const job = await repo.findJob(run.jobId);
  if (!job) throw new AppError("INVALID_STATE", ref("serverMessages.jobs.deleted"));
  if (job.status === "disabled") throw new AppError("INVALID_STATE", ref("serverMessages.jobs.disabledResume"));
  const first = run.firstRunId ?? run.id;
  const chain = await repo.chainOf(first);
  if (chain.some((r) => r.status === "succeeded")) throw new AppError("INVALID_STATE", ref("serverMessages.jobs.attemptSucceeded"));
  if (chain.some((r) => ["queued", "starting", "running"].includes(r.status))) throw new AppError("INVALID_STATE", ref("serverMessages.jobs.attemptActive"));
  const now = new Date();
  // Attempts are unique in a chain: of two retries at once, one is refused.
  const retried = await audited(async () => {
    const row = await repo.insertRun({
      jobId: job.id,
      userId: job.userId,
      firstRunId: first,
      attempt: Math.max(...chain.map((r) => r.attempt)) + 1,
      trigger: "retry",
      priorityRank: queueRank(job.priority as Priority),
      queuedAt: now,
      notBefore: now,
    });
    if (!row) throw new AppError("INVALID_STATE", ref("serverMessages.jobs.retried"));
    auditNote({ detail: { newRunId: row.id, attempt: row.attempt } });
    return row;
  });
  return toRunDto(retried);
}

export async function triggerJob(p: Principal, id: string): Promise<TJobRun> {
  const job = await loadJob(p, id);
  auditNote({ target: { type: "job", id, name: job.name } });
  await assertNotInMaintenance(p);
  if (job.status === "disabled") throw new AppError("INVALID_STATE", ref("serverMessages.jobs.disabledEnable"));
  const run = await audited(async () => {
    const row = await queueRun(job, { at: null, trigger: "manual" });
    if (!row) throw new AppError("INVALID_STATE", ref("serverMessages.jobs.notQueued"));
    auditNote({ detail: { runId: row.id } });
    return row;
  });
  // Like sbatch, a Slurm job's trigger answers with Slurm's job id once the job is submitted.
  return toRunDto(job.executor === "slurm" ? await untilSubmitted(run) : run);
}

/** The run once it has a Slurm job id or ended (the dispatcher was nudged), or as it is after SUBMIT_WAIT_MS. */
async function untilSubmitted(run: repo.RunRow): Promise<repo.RunRow> {
  const until = Date.now() + SUBMIT_WAIT_MS;
  let now = run;
  while (now.slurmJobId === null && !RUN_ENDED.includes(now.status as TJobRun["status"]) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    now = (await repo.findRun(run.id)) ?? now;
  }
  return now;
}

const SUBMIT_WAIT_MS = 10_000;

export function toRunDto(r: repo.RunRow): TJobRun {
  return {
    id: r.id,
    jobId: r.jobId,
    jobName: r.job.name,
    userId: r.userId,
    firstRunId: r.firstRunId,
    attempt: r.attempt,
    trigger: r.trigger as TJobRun["trigger"],
    status: r.status as TJobRun["status"],
    statusMessage: r.statusMessage,
    statusRef: parseRef(r.statusRef),
    scheduledFor: r.scheduledFor?.toISOString() ?? null,
    queuedAt: r.queuedAt.toISOString(),
    notBefore: r.notBefore.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    nodeId: r.nodeId,
    exitCode: r.exitCode,
    progress: r.progress,
    result: r.result === null ? null : (JSON.parse(r.result) as unknown),
    httpStatus: r.httpStatus,
    latencyMs: r.latencyMs,
    responseHeaders: r.responseHeaders === null ? null : (JSON.parse(r.responseHeaders) as Record<string, string>),
    responseBody: r.responseBody,
    costCents: r.costCents,
    logBytes: r.logBytes,
    logTruncated: r.logTruncated,
    cancelRequested: r.cancelRequestedAt !== null,
    slurm:
      r.job.executor === "slurm"
        ? {
            clusterId: r.clusterId ?? r.job.clusterId ?? "",
            jobId: r.slurmJobId,
            user: r.slurmUser,
            nodes: r.slurmNodes,
            state: r.slurmState,
            reason: r.slurmReason,
            stdoutPath: r.stdoutPath,
            stderrPath: r.stderrPath,
          }
        : null,
  };
}

export async function getRun(p: Principal, id: string): Promise<TJobRun> {
  const run = await repo.findRun(id);
  if (!run || (run.userId !== p.userId && !isAdmin(p))) throw notFound("Run");
  return { ...toRunDto(run), runsAhead: run.status === "queued" ? await repo.runsAhead(run) : null };
}

/** Mine, or (administrators) everyone's. */
const ownerFilter = (p: Principal) => (isAdmin(p) ? {} : { userId: p.userId });

export async function listJobs(p: Principal, q: TPageQuery & { name?: string | undefined; status?: string | undefined }) {
  const { rows, total } = await repo.listJobs({ ...q, ...ownerFilter(p) });
  const last = await repo.lastRunsOf(rows.map((j) => j.id));
  return { items: rows.map((j) => toJobDto(j, lastRunDto(last.get(j.id)))), total, page: q.page, pageSize: q.pageSize };
}

export async function listRuns(p: Principal, q: TPageQuery & { jobId?: string | undefined; status?: string | undefined; clusterId?: string | undefined }) {
  const { rows, total } = await repo.listRuns({ ...q, ...ownerFilter(p) });
  return { items: rows.map(toRunDto), total, page: q.page, pageSize: q.pageSize };
}

/** Cancels a run: a queued one at once; a running one is stopped by the process running it. */
export async function cancelRun(p: Principal, id: string): Promise<TJobRun> {
  const run = await repo.findRun(id);
  if (!run || (run.userId !== p.userId && !isAdmin(p))) throw notFound("Run");
  auditNote({ target: { type: "run", id, name: run.job?.name ?? null } });
  const outcome = await audited(async () => {
    const o = await repo.requestCancel(id, new Date(), ref("serverMessages.run.cancelledBy", { user: p.username }));
    if (o === "ended") throw new AppError("INVALID_STATE", ref("serverMessages.jobs.ended", { status: stateWord(run.status) }));
    return o;
  });
  // Running here: stopped now; in another console process: at its next lease renewal.
  if (outcome === "requested") abortLocal(id);
  return toRunDto((await repo.findRun(id))!);
}

/**
 * The balance ran out: the user's runs on the nodes are cancelled (as their instances are
 * stopped), each saying why. Answers how many were asked to stop.
 */
export async function cancelRunsForBalance(userId: string): Promise<number> {
  // A top-up may have come since the meter saw zero.
  if (!(await balanceUsedUp(userId))) return 0;
  let n = 0;
  for (const run of await repo.activeWorkloadRuns(userId)) {
    if ((await repo.requestCancel(run.id, new Date(), ref("serverMessages.run.cancelledBalance"))) !== "requested") continue;
    abortLocal(run.id);
    n++;
  }
  return n;
}
