import "server-only";
import { ref, type StatusReason, statusFields } from "@/lib/i18n/message-ref";
import { RUN_ENDED, type TRunStatus } from "@/lib/contracts/jobs";
import { CONTENDED, lockedSpend } from "../billing/ledger.repo";
import { db, type Prisma, savepoint, transaction } from "../db/client";
import { pageArgs } from "../db/query";
import { emit } from "../events";
import { isUniqueViolation } from "../http/errors";

// Jobs and runs in the database. Every claim is a compare-and-set on the row (a scheduled
// fire on Job.nextRunAt, a queued run on its status), so several console processes share
// the work without doing anything twice; a run made for a scheduled time is unique per job
// and time.

export type JobRow = Prisma.JobGetPayload<{ include: { user: { select: { username: true; role: true } } } }>;
/** A run without its stored log (up to JOB_LOG_MAX_BYTES each: read on its own, see runLog). */
export type RunRow = Prisma.JobRunGetPayload<{
  include: { job: { select: { name: true; executor: true; specId: true; imageId: true; nodeTags: true; clusterId: true } } };
  omit: { log: true };
}>;

const withUser = { user: { select: { username: true, role: true } } } as const;
const withJob = { job: { select: { name: true, executor: true, specId: true, imageId: true, nodeTags: true, clusterId: true } } } as const;
const noLog = { log: true } as const;

export function insertJob(data: Prisma.JobUncheckedCreateInput): Promise<JobRow> {
  return db().job.create({ data, include: withUser });
}

export function findJob(id: string): Promise<JobRow | null> {
  return db().job.findFirst({ where: { id, deletedAt: null }, include: withUser });
}

/** A run's job, deleted or not (a run queued before the delete still names it). */
export function findJobEvenDeleted(id: string): Promise<JobRow | null> {
  return db().job.findUnique({ where: { id }, include: withUser });
}

export function updateJob(id: string, data: Prisma.JobUncheckedUpdateInput): Promise<JobRow> {
  return db().job.update({ where: { id }, data, include: withUser });
}

/** Jobs whose next fire is due (active, not deleted). */
export function dueJobs(now: Date, limit = 500): Promise<JobRow[]> {
  return db().job.findMany({
    where: { status: "active", deletedAt: null, nextRunAt: { lte: now } },
    orderBy: { nextRunAt: "asc" },
    take: limit,
    include: withUser,
  });
}

/** Moves a job's next fire from `from` to `to`: true for the one process that did it. */
export async function claimFire(jobId: string, from: Date, to: Date | null): Promise<boolean> {
  const { count } = await db().job.updateMany({ where: { id: jobId, nextRunAt: from, status: "active" }, data: { nextRunAt: to } });
  return count === 1;
}

export type NewRun = Omit<Prisma.JobRunUncheckedCreateInput, "id">;

/** A new run; null when one for this job and scheduled time exists already. */
export async function insertRun(data: NewRun): Promise<RunRow | null> {
  try {
    // A savepoint of its own: a duplicate leaves a caller's transaction usable.
    const run = await savepoint(() => db().jobRun.create({ data, include: withJob, omit: noLog }));
    emit("jobs.queueChanged", { runId: run.id });
    return run;
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}

export function findRun(id: string): Promise<RunRow | null> {
  return db().jobRun.findUnique({ where: { id }, include: withJob, omit: noLog });
}

export function activeRunsOf(jobId: string): Promise<RunRow[]> {
  return db().jobRun.findMany({ where: { jobId, status: { in: ["queued", "starting", "running"] } }, include: withJob, omit: noLog });
}

const QUEUE_ORDER = [{ priorityRank: "desc" }, { queuedAt: "asc" }, { id: "asc" }] satisfies Prisma.JobRunOrderByWithRelationInput[];

/**
 * The queued runs that may start now, in queue order (priority, then submission), taken
 * fairly: at most `perUser` of each user (the users whose runs waited longest first, up to
 * `maxUsers`), so one user's many waiting runs never hide everyone else's.
 */
export async function queuedRuns(now: Date, perUser: number, maxUsers = 500): Promise<RunRow[]> {
  // Held runs (being placed, or submitted to Slurm and pending there) are not for taking.
  const ready = {
    status: "queued",
    notBefore: { lte: now },
    OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }],
  } satisfies Prisma.JobRunWhereInput;
  const users = await db().jobRun.groupBy({
    by: ["userId"],
    where: ready,
    _min: { queuedAt: true },
    orderBy: { _min: { queuedAt: "asc" } },
    take: maxUsers,
  });
  const runs: RunRow[] = [];
  for (let i = 0; i < users.length; i += 16) {
    const lists = await Promise.all(
      users
        .slice(i, i + 16)
        .map((u) => db().jobRun.findMany({ where: { ...ready, userId: u.userId }, orderBy: QUEUE_ORDER, take: perUser, include: withJob, omit: noLog })),
    );
    runs.push(...lists.flat());
  }
  return runs.sort((a, b) => b.priorityRank - a.priorityRank || a.queuedAt.getTime() - b.queuedAt.getTime() || (a.id < b.id ? -1 : 1));
}

/**
 * How many runs each user has starting or running on the console's nodes (and http runs).
 * Slurm runs are not counted: the cluster's own limits apply to them.
 */
export async function runningByUser(userIds: string[]): Promise<Map<string, number>> {
  const rows = await db().jobRun.groupBy({
    by: ["userId"],
    where: { userId: { in: userIds }, status: { in: ["starting", "running"] }, clusterId: null },
    _count: true,
  });
  return new Map(rows.map((r) => [r.userId, r._count]));
}

/**
 * Takes a queued run for this process: true for the one that did. It stays `queued` while
 * it is placed (a run that finds no room goes back without ever looking started); the
 * executor marks it `starting` once its workload is placed (or `running`).
 */
export async function claimRun(id: string, owner: string, until: Date, now: Date): Promise<boolean> {
  const { count } = await db().jobRun.updateMany({
    where: { id, status: "queued", OR: [{ leaseOwner: null }, { leaseUntil: null }, { leaseUntil: { lt: now } }] },
    data: { leaseOwner: owner, leaseUntil: until },
  });
  return count === 1;
}

const HELD = ["queued", "starting", "running"];

export async function renewRun(id: string, owner: string, until: Date): Promise<void> {
  await db().jobRun.updateMany({ where: { id, leaseOwner: owner, status: { in: HELD } }, data: { leaseUntil: until } });
}

/** Writes a run's new state while this process still holds it (a cancel ends the hold): true when it did. */
export async function settleRun(id: string, owner: string, data: Prisma.JobRunUncheckedUpdateManyInput): Promise<boolean> {
  const { count } = await db().jobRun.updateMany({ where: { id, leaseOwner: owner, status: { in: HELD } }, data });
  if (count === 1 && RUN_ENDED.includes(data.status as TRunStatus)) emit("job.runEnded", { runId: id });
  return count === 1;
}

/** A claimed run that cannot start yet goes back to the queue, saying why. */
export async function requeueRun(id: string, owner: string, why: StatusReason): Promise<boolean> {
  const { count } = await db().jobRun.updateMany({
    // A run someone cancelled meanwhile is not put back.
    where: { id, leaseOwner: owner, status: "queued", cancelRequestedAt: null },
    data: { ...statusFields(why), leaseOwner: null, leaseUntil: null },
  });
  return count === 1;
}

/** Why a queued run waits (shown on the run). */
export async function noteWaiting(id: string, why: StatusReason): Promise<void> {
  await db().jobRun.updateMany({ where: { id, status: "queued" }, data: statusFields(why) });
}

/** Takes over a lapsed run (its process died) for this process: true for the one that did. */
export async function adoptRun(id: string, leaseUntil: Date | null, owner: string, until: Date): Promise<boolean> {
  const { count } = await db().jobRun.updateMany({
    where: { id, status: { in: ["starting", "running"] }, leaseUntil },
    data: { leaseOwner: owner, leaseUntil: until },
  });
  return count === 1;
}

/** Runs whose process stopped renewing its claim. */
export function lapsedRuns(now: Date): Promise<RunRow[]> {
  return db().jobRun.findMany({ where: { status: { in: ["starting", "running"] }, leaseUntil: { lt: now } }, include: withJob, omit: noLog });
}

/** Marks a lapsed run lost (once, whichever process sees it first). */
export async function markLost(id: string, leaseUntil: Date | null, now: Date): Promise<boolean> {
  const { count } = await db().jobRun.updateMany({
    where: { id, status: { in: ["starting", "running"] }, leaseUntil },
    data: {
      status: "lost",
      ...statusFields(ref("serverMessages.run.lost")),
      finishedAt: now,
      leaseOwner: null,
      leaseUntil: null,
      reservedCents: 0,
    },
  });
  if (count === 1) emit("job.runEnded", { runId: id });
  return count === 1;
}

/**
 * Cancels a run: a queued one at once; a starting or running one is asked to stop (the
 * process running it sees the request when it renews its claim). Answers which it was.
 */
export async function requestCancel(id: string, now: Date, message: StatusReason): Promise<"cancelled" | "requested" | "ended"> {
  // A run submitted to Slurm (queued there) is asked to stop like a running one: its job must be cancelled in Slurm.
  const queued = await db().jobRun.updateMany({
    where: { id, status: "queued", slurmJobId: null },
    data: { status: "cancelled", ...statusFields(message), finishedAt: now },
  });
  if (queued.count === 1) {
    emit("job.runEnded", { runId: id });
    return "cancelled";
  }
  const running = await db().jobRun.updateMany({
    where: { id, OR: [{ status: { in: ["starting", "running"] } }, { status: "queued", slurmJobId: { not: null } }], cancelRequestedAt: null },
    data: { cancelRequestedAt: now, ...statusFields(message) },
  });
  if (running.count === 1) return "requested";
  // Asked before (a second click): still being stopped.
  const again = await db().jobRun.count({ where: { id, status: { in: ["queued", "starting", "running"] } } });
  return again ? "requested" : "ended";
}

/** A user's runs on the nodes (container and python) that have started. */
export function activeWorkloadRuns(userId: string): Promise<{ id: string }[]> {
  return db().jobRun.findMany({ where: { userId, status: { in: ["starting", "running"] }, instanceId: { not: null } }, select: { id: true } });
}

/** Every attempt of a chain (the first run's id): status and number. */
export function chainOf(firstRunId: string): Promise<{ id: string; status: string; attempt: number }[]> {
  return db().jobRun.findMany({ where: { OR: [{ id: firstRunId }, { firstRunId }] }, select: { id: true, status: true, attempt: true } });
}

/** Cancels a job's queued runs. */
export async function cancelQueuedOf(jobId: string, now: Date, message: StatusReason): Promise<number> {
  const { count } = await db().jobRun.updateMany({
    // A run submitted to Slurm is queued there: it is cancelled through requestCancel (in Slurm too).
    where: { jobId, status: "queued", slurmJobId: null },
    data: { status: "cancelled", ...statusFields(message), finishedAt: now },
  });
  return count;
}

/** Whether a cancel was asked for this run. */
export async function cancelRequested(id: string): Promise<boolean> {
  return (await db().jobRun.findUnique({ where: { id }, select: { cancelRequestedAt: true } }))?.cancelRequestedAt != null;
}

export async function countRunsOf(jobId: string, where: Prisma.JobRunWhereInput = {}): Promise<number> {
  return db().jobRun.count({ where: { jobId, ...where } });
}

export async function listJobs(q: { page: number; pageSize: number; userId?: string; name?: string; status?: string }) {
  const where: Prisma.JobWhereInput = {
    deletedAt: null,
    ...(q.userId ? { userId: q.userId } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.name ? { name: { contains: q.name } } : {}),
  };
  const [rows, total] = await Promise.all([
    db().job.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], include: withUser, ...pageArgs(q) }),
    db().job.count({ where }),
  ]);
  return { rows, total };
}

export async function listRuns(q: { page: number; pageSize: number; userId?: string; jobId?: string; status?: string; clusterId?: string }) {
  const where: Prisma.JobRunWhereInput = {
    ...(q.userId ? { userId: q.userId } : {}),
    ...(q.jobId ? { jobId: q.jobId } : {}),
    ...(q.status ? { status: q.status } : {}),
    // Submitted there, or (not yet submitted) of a job that submits there.
    ...(q.clusterId ? { OR: [{ clusterId: q.clusterId }, { clusterId: null, job: { clusterId: q.clusterId } }] } : {}),
  };
  const [rows, total] = await Promise.all([
    db().jobRun.findMany({ where, orderBy: [{ queuedAt: "desc" }, { id: "desc" }], include: withJob, omit: noLog, ...pageArgs(q) }),
    db().jobRun.count({ where }),
  ]);
  return { rows, total };
}

/** Queued runs in the order they will start (all users). */
export function queuedInOrder(limit: number): Promise<RunRow[]> {
  return db().jobRun.findMany({
    where: { status: "queued" },
    orderBy: QUEUE_ORDER,
    take: limit,
    include: withJob,
    omit: noLog,
  });
}

/** Runs starting or running (one user's, or everyone's). */
export function runningRuns(userId?: string): Promise<RunRow[]> {
  return db().jobRun.findMany({
    where: { status: { in: ["starting", "running"] }, ...(userId ? { userId } : {}) },
    orderBy: [{ startedAt: "asc" }, { id: "asc" }],
    include: withJob,
    omit: noLog,
  });
}

/** Runs starting or running on each node. */
export async function runningRunsByNode(): Promise<Map<string, number>> {
  const rows = await db().jobRun.groupBy({ by: ["nodeId"], where: { status: { in: ["starting", "running"] }, nodeId: { not: null } }, _count: true });
  return new Map(rows.map((r) => [r.nodeId!, r._count]));
}

export async function jobsByStatus(): Promise<{ active: number; paused: number; disabled: number }> {
  const rows = await db().job.groupBy({ by: ["status"], where: { deletedAt: null }, _count: true });
  const n = (s: string) => rows.find((r) => r.status === s)?._count ?? 0;
  return { active: n("active"), paused: n("paused"), disabled: n("disabled") };
}

export async function runsByStatus(): Promise<Record<string, number>> {
  const rows = await db().jobRun.groupBy({ by: ["status"], where: { status: { in: ["queued", "starting", "running"] } }, _count: true });
  return Object.fromEntries(rows.map((r) => [r.status, r._count]));
}

/** Runs queued since `since`, and of those that ended since then, how many succeeded. */
export async function runsSince(since: Date): Promise<{ queued: number; ended: number; succeeded: number }> {
  const ended = ["succeeded", "failed", "timed_out", "cancelled", "lost"];
  const [queued, endedCount, succeeded] = await Promise.all([
    db().jobRun.count({ where: { queuedAt: { gte: since } } }),
    db().jobRun.count({ where: { finishedAt: { gte: since }, status: { in: ended } } }),
    db().jobRun.count({ where: { finishedAt: { gte: since }, status: "succeeded" } }),
  ]);
  return { queued, ended: endedCount, succeeded };
}

/** Each job's newest run (by queue time). */
export async function lastRunsOf(jobIds: string[]): Promise<Map<string, { id: string; status: string; at: Date }>> {
  if (!jobIds.length) return new Map();
  const newest = await db().jobRun.groupBy({ by: ["jobId"], where: { jobId: { in: jobIds } }, _max: { queuedAt: true } });
  const rows = await db().jobRun.findMany({
    where: { OR: newest.map((n) => ({ jobId: n.jobId, queuedAt: n._max.queuedAt! })) },
    select: { id: true, jobId: true, status: true, queuedAt: true, startedAt: true, finishedAt: true },
  });
  return new Map(rows.map((r) => [r.jobId, { id: r.id, status: r.status, at: r.finishedAt ?? r.startedAt ?? r.queuedAt }]));
}

/** A run's stored log (gzip), once it ended. */
export async function runLog(id: string): Promise<Uint8Array | null> {
  return (await db().jobRun.findUnique({ where: { id }, select: { log: true } }))?.log ?? null;
}

/** Queued runs (of all users) that come before this one in the queue. */
export function runsAhead(run: Pick<RunRow, "id" | "priorityRank" | "queuedAt">): Promise<number> {
  return db().jobRun.count({
    where: {
      status: "queued",
      OR: [
        { priorityRank: { gt: run.priorityRank } },
        { priorityRank: run.priorityRank, queuedAt: { lt: run.queuedAt } },
        { priorityRank: run.priorityRank, queuedAt: run.queuedAt, id: { lt: run.id } },
      ],
    },
  });
}

/**
 * Holds `cents` of the user's balance for a Slurm run, under the lock on the user's row: only
 * when the balance covers it beside what the user's other active runs hold. Answers what was
 * free (the hold is made only when it covers `cents`).
 */
export async function reserveForRun(runId: string, userId: string, cents: number): Promise<{ held: boolean; freeCents: number }> {
  return transaction(async (tx) => {
    const spend = await lockedSpend(tx, userId);
    if (!spend) return { held: false, freeCents: 0 };
    const others = await tx.jobRun.aggregate({
      where: { userId, id: { not: runId }, status: { in: ["queued", "starting", "running"] }, reservedCents: { gt: 0 } },
      _sum: { reservedCents: true },
    });
    const freeCents = spend.balanceCents - (others._sum.reservedCents ?? 0);
    if (freeCents < cents) return { held: false, freeCents };
    await tx.jobRun.update({ where: { id: runId }, data: { reservedCents: cents }, select: { id: true } });
    return { held: true, freeCents };
  }, CONTENDED);
}

/** A run's hold is let go (it ended, or its submission failed). */
export async function releaseReserve(runId: string): Promise<void> {
  await db().jobRun.updateMany({ where: { id: runId, reservedCents: { gt: 0 } }, data: { reservedCents: 0 } });
}
