import "server-only";
import type { TPartitionPrice } from "@/lib/contracts/clusters";
import type { TSlurmConfig } from "@/lib/contracts/jobs";
import { isSlurmError } from "../adapters/slurm/client";
import type { SlurmJob } from "../adapters/slurm/model";
import { balanceUsedUp } from "../billing/billing.service";
import { entryByKey, postEntry } from "../billing/ledger.repo";
import * as clusters from "../clusters/clusters.repo";
import { clientOf, invalidate, read, slurmUserFor } from "../clusters/slurm-access";
import { env } from "../env";
import { AppError, isUniqueViolation, notFound } from "../http/errors";
import { logger } from "../logger";
import type { RunContext, RunEnd, RunWait } from "./dispatcher";
import type { JobRow, RunRow } from "./jobs.repo";
import { commentOf, configOf, expandPath, jobCost, runStatusOf, submissionOf } from "./slurm-job";

// The slurm executor: a run is one batch job in a cluster, submitted through slurmrestd as
// the run's owner's Slurm user and followed there. While Slurm holds it PENDING the run is
// `queued` (held by this process, with Slurm's reason); RUNNING makes it `running`; Slurm's
// end state ends it (COMPLETED → succeeded; FAILED, NODE_FAIL, OUT_OF_MEMORY … → failed;
// TIMEOUT → timed_out; CANCELLED → cancelled). A cancel cancels the job in Slurm. The job
// carries the run's id in its comment, so a process that died between submitting and
// recording the job id is followed by the next one rather than submitting twice. A job on a
// priced partition is charged once at its end, from Slurm's elapsed time and allocation.

/** Checks a Slurm job's target when it is made or changed: the cluster exists; the partition is there (when the cluster answers). */
export async function assertSlurmTarget(cfg: TSlurmConfig, timeoutSeconds?: number): Promise<void> {
  const row = await clusters.findCluster(cfg.clusterId);
  if (!row) throw notFound("Cluster");
  if (!cfg.partition) return;
  let parts: Awaited<ReturnType<typeof read<"partitions">>>["value"];
  try {
    parts = (await read(row, "partitions")).value;
  } catch {
    return; // Unreachable now: Slurm judges it at submission.
  }
  const part = parts.find((p) => p.name === cfg.partition);
  if (!part) {
    const message = `is not a partition of ${row.name} (it has ${parts.map((p) => p.name).join(", ") || "none"})`;
    throw new AppError("VALIDATION_FAILED", `slurm.partition ${message}`, { issues: [{ path: "slurm.partition", message }] });
  }
  if (timeoutSeconds !== undefined && part.maxTimeMinutes !== null && Math.ceil(timeoutSeconds / 60) > part.maxTimeMinutes) {
    const message = `must be at most ${part.maxTimeMinutes * 60} (partition ${part.name} allows ${part.maxTimeMinutes} minutes)`;
    throw new AppError("VALIDATION_FAILED", `timeoutSeconds ${message}`, { issues: [{ path: "timeoutSeconds", message }] });
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });

export async function runSlurm(run: RunRow, job: JobRow, signal: AbortSignal, ctx: RunContext): Promise<RunEnd | RunWait> {
  const clusterId = run.clusterId ?? job.clusterId;
  const row = clusterId ? await clusters.findCluster(clusterId) : null;
  if (!row) return { status: "failed", message: "The job's cluster was removed; edit the job" };
  const user = await slurmUserFor(row, job.userId, job.user.username);
  const client = () => clientOf(row);
  let jobId = run.slurmJobId;
  let note = "";

  if (jobId === null) {
    // A process that died after submitting left the job there: follow it, never a second one.
    try {
      jobId = (await read(row, "jobs")).value.find((j) => j.comment === commentOf(run.id))?.jobId ?? null;
    } catch (err) {
      return waitOrFail(err, row.name);
    }
    if (jobId === null) {
      if (signal.aborted) return { status: "cancelled", message: null };
      const cfg = configOf(job);
      const priced = (JSON.parse(row.prices) as TPartitionPrice[]).some((p) => p.partition === cfg.partition);
      if (priced && (await balanceUsedUp(job.userId))) return { wait: "Waiting: your balance is used up (this partition is charged); top up to submit" };
      const { ignored, ...submission } = submissionOf(run, job, user);
      try {
        jobId = await client().submit(submission, user);
      } catch (err) {
        return waitOrFail(err, row.name);
      }
      invalidate(row.id, "jobs");
      note = ignored.length ? `; #SBATCH options not passed on: ${ignored.join(", ")}` : "";
    }
    const recorded = await ctx.record({
      clusterId: row.id,
      slurmJobId: jobId,
      statusMessage: `Submitted to ${row.name} as Slurm job ${jobId} (as ${user})${note}`,
    });
    if (!recorded) {
      // Cancelled while it was submitted.
      await client()
        .cancel(jobId, user)
        .catch((err: unknown) => logger.warn({ err, run: run.id, jobId }, "could not cancel a Slurm job whose run was cancelled"));
      return { status: "cancelled", message: null };
    }
  }
  return follow(run, row, jobId, user, signal, ctx);
}

/** A Slurm failure before submission: the run waits while the cluster cannot be reached, and fails on a refusal. */
function waitOrFail(err: unknown, cluster: string): RunEnd | RunWait {
  if (isSlurmError(err) && err.kind === "unreachable") return { wait: `Waiting: cluster ${cluster} cannot be reached (${err.message})` };
  if (isSlurmError(err)) return { status: "failed", message: `${cluster}: ${err.message}` };
  if (err instanceof AppError && err.code === "CLUSTER_UNREACHABLE") return { wait: `Waiting: cluster ${cluster} cannot be reached (${err.message})` };
  if (err instanceof AppError) return { status: "failed", message: `${cluster}: ${err.message}` };
  throw err;
}

async function follow(run: RunRow, row: clusters.ClusterRow, jobId: number, user: string, signal: AbortSignal, ctx: RunContext): Promise<RunEnd> {
  const pollMs = env().SLURM_POLL_SEC * 1000;
  let cancelSent = false;
  let seen: { state: string; reason: string | null } | null = run.slurmState ? { state: run.slurmState, reason: run.slurmReason } : null;
  let missing = 0;
  for (;;) {
    if (signal.aborted && !cancelSent) {
      cancelSent = true;
      try {
        await clientOf(row).cancel(jobId, user);
        invalidate(row.id, "jobs");
      } catch (err) {
        logger.warn({ err, run: run.id, jobId }, "cancelling the Slurm job failed; trying again");
        cancelSent = false;
      }
    }
    let j: SlurmJob | null | undefined;
    try {
      j = (await read(row, "jobs")).value.find((x) => x.jobId === jobId);
      // Not in the queue's list (ended long ago, or the list is older than the job): ask for it alone.
      if (!j) j = await clientOf(row).job(jobId);
    } catch (err) {
      // The cluster is away: the job goes on there; keep following.
      const message = `Following Slurm job ${jobId}: ${row.name} cannot be reached now (${(err as Error).message})`;
      if (run.statusMessage !== message) await ctx.record({ statusMessage: message });
      await sleep(pollMs, signal);
      continue;
    }
    if (!j) {
      if (++missing >= 3) return { status: "failed", message: `Slurm no longer knows job ${jobId} on ${row.name}`, data: { slurmState: "UNKNOWN" } };
      await sleep(pollMs, signal);
      continue;
    }
    missing = 0;
    // A valid token for a user the cluster does not have makes a job that can never run (it runs as nobody, requeued).
    if (j.userName !== user) {
      await clientOf(row)
        .cancel(jobId, user)
        .catch(() => undefined);
      return {
        status: "failed",
        message: `Slurm user ${user} does not exist on ${row.name} (the job was taken as ${j.userName ?? `uid ${j.userId ?? "?"}`}); an administrator can map your account to a Slurm user`,
        data: { slurmState: j.state },
      };
    }
    const status = runStatusOf(j.state);
    const facts = {
      slurmState: j.state,
      ...(j.userId !== null ? { slurmUid: j.userId } : {}),
      slurmReason: j.reason,
      ...(j.stdoutPath ? { stdoutPath: expandPath(j.stdoutPath, j) } : {}),
      // Without an error file Slurm writes errors to the output file.
      ...(j.stderrPath || j.stdoutPath ? { stderrPath: expandPath(j.stderrPath ?? j.stdoutPath!, j) } : {}),
    };
    if (status === "queued" || status === "running") {
      if (!seen || seen.state !== j.state || seen.reason !== j.reason) {
        if (status === "running") {
          if (!(await ctx.started())) return { status: "cancelled", message: null };
          await ctx.record({
            ...facts,
            ...(j.startTime ? { startedAt: j.startTime } : {}),
            statusMessage: `Slurm: ${j.state}${j.nodes ? ` on ${j.nodes}` : ""}`,
          });
        } else {
          await ctx.record({ ...facts, statusMessage: `Slurm: ${j.state}${j.reason ? ` (${j.reason})` : ""}` });
        }
        seen = { state: j.state, reason: j.reason };
      }
      await sleep(pollMs, signal);
      continue;
    }
    // Ended.
    const cost = await chargeSlurmJob(run, row, j);
    const exit = j.exitCode !== null ? `, exit code ${j.exitCode}` : "";
    const sig = j.signal ? `, signal ${j.signal}` : "";
    return {
      status: status as RunEnd["status"],
      message: status === "cancelled" && signal.aborted ? null : `Slurm: ${j.state}${j.reason ? ` (${j.reason})` : ""}${exit}${sig}`,
      data: {
        ...facts,
        exitCode: j.exitCode,
        ...(j.startTime ? { startedAt: j.startTime } : {}),
        ...(cost !== null ? { costCents: cost } : {}),
      },
    };
  }
}

/** Charges a finished job once (its idempotency key is the cluster and job id); the cents charged, or null when unpriced. */
export async function chargeSlurmJob(run: Pick<RunRow, "id" | "userId">, row: clusters.ClusterRow, j: SlurmJob): Promise<number | null> {
  const price = (JSON.parse(row.prices) as TPartitionPrice[]).find((p) => p.partition === j.partition) ?? null;
  const cost = jobCost(j, price);
  if (!cost || cost.cents <= 0) return cost ? 0 : null;
  const idempotencyKey = `slurm:${row.id}:${j.jobId}`;
  try {
    await postEntry({
      userId: run.userId,
      kind: "usage",
      amountCents: -cost.cents,
      idempotencyKey,
      note: `Slurm job ${j.jobId} on ${row.name}/${j.partition}: ${j.cpus ?? 0} CPU${j.gpus ? `, ${j.gpus} GPU` : ""} for ${cost.seconds} s (run ${run.id})`,
      periodStart: j.startTime,
      periodEnd: j.endTime,
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // Charged before (a process that died after charging): the same amount, once.
    return -((await entryByKey(idempotencyKey))?.amountCents ?? 0);
  }
  return cost.cents;
}
