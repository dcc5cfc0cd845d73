import "server-only";
import { wait } from "./wait";
import type { TPartitionPrice } from "@/lib/contracts/clusters";
import { joined, type MessageRef, ref, type StatusReason, statusFields } from "@/lib/i18n/message-ref";
import type { TSlurmConfig } from "@/lib/contracts/jobs";
import { isSlurmError } from "../adapters/slurm/client";
import type { SlurmJob, SlurmSubmit } from "../adapters/slurm/model";
import { entryByKey, postEntry } from "../billing/ledger.repo";
import * as clusters from "../clusters/clusters.repo";
import { clientOf, clusterNow, invalidate, read, slurmUserFor } from "../clusters/slurm-access";
import { env } from "../env";
import { AppError, isUniqueViolation } from "../http/errors";
import { logger } from "../logger";
import type { RunContext, RunEnd, RunWait } from "./dispatcher";
import { type JobRow, releaseReserve, reserveForRun, type RunRow } from "./jobs.repo";
import { commentOf, expandPath, jobCost, priceFor, runStatusOf, submissionOf, worstCase } from "./slurm-job";

// The slurm executor: a run is one batch job in a cluster, submitted through slurmrestd as
// the run's owner's Slurm user and followed there. While Slurm holds it PENDING the run is
// `queued` (held by this process, with Slurm's reason); RUNNING makes it `running`; Slurm's
// end state ends it (COMPLETED → succeeded; FAILED, NODE_FAIL, OUT_OF_MEMORY … → failed;
// TIMEOUT → timed_out; CANCELLED → cancelled). A cancel cancels the job in Slurm. The job
// carries the run's id in its comment, so a process that died between submitting and
// recording the job id is followed by the next one rather than submitting twice. A job on a
// priced partition is charged once at its end, from Slurm's elapsed time and allocation.

/**
 * Checks a Slurm job's target when it is made or changed: the cluster exists, the owner has a
 * Slurm user there, and the partition is one of the cluster's (when the cluster answers now).
 */
export async function assertSlurmTarget(userId: string, cfg: TSlurmConfig, timeoutSeconds?: number): Promise<void> {
  const row = await clusters.findCluster(cfg.clusterId);
  if (!row) throw new AppError("VALIDATION_FAILED", "slurm.clusterId is not a cluster", { issues: [{ path: "slurm.clusterId", message: "is not a cluster" }] });
  const who = await slurmUserFor(row, userId);
  if ("refused" in who) throw new AppError("UNPROCESSABLE", who.refused);
  if (!cfg.partition) return;
  let parts: Awaited<ReturnType<typeof read<"partitions">>>["value"];
  try {
    parts = (await read(row, "partitions")).value;
  } catch {
    return; // Unreachable now: Slurm judges it at submission.
  }
  const part = parts.find((p) => p.name === cfg.partition);
  if (!part) {
    const message = `is not a partition of ${row.name} (it has ${parts.map((p) => p.name).join(", ") || "none"})`; // serverMessages.issues.notPartition
    throw new AppError("VALIDATION_FAILED", `slurm.partition ${message}`, { issues: [{ path: "slurm.partition", message }] });
  }
  if (timeoutSeconds !== undefined && part.maxTimeMinutes !== null && Math.ceil(timeoutSeconds / 60) > part.maxTimeMinutes) {
    const message = `must be at most ${part.maxTimeMinutes * 60} (partition ${part.name} allows ${part.maxTimeMinutes} minutes)`; // serverMessages.issues.partitionMaxTime
    throw new AppError("VALIDATION_FAILED", `timeoutSeconds ${message}`, { issues: [{ path: "timeoutSeconds", message }] });
  }
}

/** Cancels a job as its user, else as the service user (a user Slurm does not know cannot cancel its own job). */
async function cancelInSlurm(row: clusters.ClusterRow, jobId: number, user: string): Promise<void> {
  try {
    await clientOf(row).cancel(jobId, user);
  } catch {
    await clientOf(row).cancel(jobId, row.serviceUser);
  }
  invalidate(row.id, "jobs");
}

export async function runSlurm(run: RunRow, job: JobRow, signal: AbortSignal, ctx: RunContext): Promise<RunEnd | RunWait> {
  const clusterId = run.clusterId ?? job.clusterId;
  const row = clusterId ? await clusterNow(clusterId) : null;
  if (!row) return { status: "failed", message: "The job's cluster was removed; edit the job" };
  let jobId = run.slurmJobId;
  if (jobId !== null) return follow(run, row.id, jobId, run.slurmUser ?? row.serviceUser, signal, ctx);

  const who = await slurmUserFor(row, job.userId);
  if ("refused" in who) return { status: "failed", message: who.refused, retry: false };
  const user = who.user;
  let ignoring = "";
  // A process that died after submitting left the job there: follow it, never a second one.
  const found = await submittedFor(row, run.id);
  if ("wait" in found) return found;
  jobId = found.jobId;
  if (jobId === null) {
    if (signal.aborted) return { status: "cancelled", message: null };
    const { ignored, ...submission } = submissionOf(run, job, user);
    const held = await holdBalance(run, row, submission);
    if (held) return held;
    try {
      jobId = await clientOf(row).submit(submission, user);
    } catch (err) {
      // An answer lost after Slurm acted would leave a job behind: look again before giving up.
      invalidate(row.id, "jobs");
      const again = await submittedFor(row, run.id);
      if (!("wait" in again) && again.jobId !== null) jobId = again.jobId;
      else {
        await releaseReserve(run.id);
        return waitOrFail(err, row.name);
      }
    }
    invalidate(row.id, "jobs");
    ignoring = ignored.join(", ");
  }
  const recorded = await ctx.record({
    clusterId: row.id,
    slurmJobId: jobId,
    slurmUser: user,
    ...statusFields(
      ref(ignoring ? "serverMessages.run.slurmSubmittedIgnoring" : "serverMessages.run.slurmSubmitted", {
        cluster: row.name,
        jobId,
        user,
        options: ignoring || undefined,
      }),
    ),
  });
  if (!recorded) {
    // Cancelled while it was submitted.
    await cancelInSlurm(row, jobId, user).catch((err: unknown) =>
      logger.warn({ err, run: run.id, jobId }, "could not cancel a Slurm job whose run was cancelled"),
    );
    return { status: "cancelled", message: null };
  }
  return follow(run, row.id, jobId, user, signal, ctx);
}

/** The job a run already has in Slurm (by the run id in its comment), read fresh when asked to. */
async function submittedFor(row: clusters.ClusterRow, runId: string): Promise<{ jobId: number | null } | RunWait> {
  try {
    return { jobId: (await read(row, "jobs")).value.find((j) => j.comment === commentOf(runId))?.jobId ?? null };
  } catch (err) {
    // Whether it was submitted cannot be known now: wait rather than risk a second job.
    return { wait: ref("serverMessages.run.slurmUnreadable", { cluster: row.name, error: (err as Error).message }) };
  }
}

/**
 * On a priced partition, the run holds the most it can cost against the balance before it is
 * submitted (beside what the user's other runs hold); it waits when the balance does not cover it.
 */
async function holdBalance(run: RunRow, row: clusters.ClusterRow, s: SlurmSubmit): Promise<RunWait | null> {
  const prices = JSON.parse(row.prices) as TPartitionPrice[];
  if (!prices.length) return null;
  let defaultPartition: string | null = null;
  if (!s.partition) {
    try {
      defaultPartition = (await read(row, "partitions")).value.find((p) => p.isDefault)?.name ?? null;
    } catch {
      defaultPartition = null;
    }
  }
  const price = priceFor(prices, s.partition, defaultPartition);
  if (!price) return null;
  const cents = worstCase(s, price);
  const { held, freeCents } = await reserveForRun(run.id, run.userId, cents);
  if (held) return null;
  return {
    wait: ref("serverMessages.run.slurmBalance", { cost: cny(cents), free: cny(Math.max(0, freeCents)) }),
  };
}

/** Jobs never run as a system account (uid below this), whatever a mapping says. */
const MIN_UID = 1000;

const cny = (cents: number) => `¥${(cents / 100).toFixed(2)}`;

/** "Slurm: RUNNING on node1", "Slurm: FAILED (NonZeroExitCode), exit code 1": Slurm's words, in the reader's language around them. */
function slurmSays(j: SlurmJob, show: ("reason" | "nodes" | "exit" | "signal")[]): MessageRef {
  const parts: MessageRef[] = [];
  for (const what of show) {
    if (what === "reason" && j.reason) parts.push(ref("serverMessages.run.slurmReasonPart", { reason: j.reason }));
    if (what === "nodes" && j.nodes) parts.push(ref("serverMessages.run.slurmNodesPart", { nodes: j.nodes }));
    if (what === "exit" && j.exitCode !== null) parts.push(ref("serverMessages.run.slurmExitPart", { code: j.exitCode }));
    if (what === "signal" && j.signal) parts.push(ref("serverMessages.run.slurmSignalPart", { signal: j.signal }));
  }
  return ref("serverMessages.run.slurmState", { state: j.state, details: joined(parts, "parts") });
}

/** A Slurm failure before submission: the run waits while the cluster cannot be reached, and fails on a refusal. */
function waitOrFail(err: unknown, cluster: string): RunEnd | RunWait {
  const unreachable = (isSlurmError(err) && err.kind === "unreachable") || (err instanceof AppError && err.code === "CLUSTER_UNREACHABLE");
  if (unreachable) return { wait: ref("serverMessages.run.slurmUnreachable", { cluster, error: (err as Error).message }) };
  if (isSlurmError(err) || err instanceof AppError) {
    return { status: "failed", message: ref("serverMessages.run.slurmRefused", { cluster, error: err instanceof AppError ? err.ref : err.message }) };
  }
  throw err;
}

/**
 * Follows a submitted job to its end: the cluster's shared job list each SLURM_POLL_SEC (the
 * job alone when the list lacks it), its state and reason recorded as they change. A cancel
 * (here, or a run ended elsewhere while the job lives) cancels the job in Slurm and goes on
 * following it to its end, so what ran is charged. Errors of one poll never end the watch.
 */
async function follow(run: RunRow, clusterId: string, jobId: number, user: string, signal: AbortSignal, ctx: RunContext): Promise<RunEnd> {
  const pollMs = env().SLURM_POLL_SEC * 1000;
  let cancel: "no" | "wanted" | "sent" = signal.aborted ? "wanted" : "no";
  signal.addEventListener("abort", () => {
    if (cancel === "no") cancel = "wanted";
  });
  let seen = run.slurmState ? `${run.slurmState}|${run.slurmReason ?? ""}` : "";
  let said = run.statusRef ?? run.statusMessage;
  let missing = 0;
  let failures = 0;
  const say = async (reason: StatusReason) => {
    const fields = statusFields(reason);
    const key = fields.statusRef ?? fields.statusMessage;
    if (said === key) return;
    said = key;
    if (!(await ctx.record(fields)) && cancel === "no") cancel = "wanted";
  };
  for (;;) {
    const row = await clusterNow(clusterId).catch(() => null);
    if (!row) return { status: "failed", message: ref("serverMessages.run.slurmClusterRemoved", { jobId }), retry: false };
    try {
      if (cancel === "wanted") {
        await cancelInSlurm(row, jobId, user);
        cancel = "sent";
      }
      let j: SlurmJob | null | undefined;
      try {
        j = (await read(row, "jobs")).value.find((x) => x.jobId === jobId);
      } catch (err) {
        // A list that cannot be read (too large for the cap, say) but a cluster that answers: the job alone.
        if ((err as { code?: string }).code === "CLUSTER_UNREACHABLE") throw err;
      }
      // Not in the queue's list (ended long ago, or the list is older than the job): ask for it alone.
      if (!j) j = await clientOf(row).job(jobId);
      failures = 0;
      if (!j) {
        // Slurm forgets ended jobs after MinJobAge: what happened is unknown (never retried, which could repeat done work).
        if (++missing >= 3)
          return {
            status: "failed",
            message: ref("serverMessages.run.slurmForgotten", { jobId, cluster: row.name }),
            retry: false,
          };
      } else {
        missing = 0;
        // A valid token for a user the cluster does not have makes a job that can never run (as nobody, requeued).
        if (j.userName !== user || (j.userId !== null && j.userId < MIN_UID)) {
          await cancelInSlurm(row, jobId, user).catch(() => undefined);
          return {
            status: "failed",
            message:
              j.userName === user
                ? ref("serverMessages.run.slurmSystemAccount", { user, cluster: row.name, uid: j.userId ?? "?" })
                : ref("serverMessages.run.slurmUnknownUser", { user, cluster: row.name, taken: j.userName ?? `uid ${j.userId ?? "?"}` }),
            data: { slurmState: j.state },
            retry: false,
          };
        }
        const status = runStatusOf(j.state);
        const facts = {
          slurmState: j.state,
          slurmReason: j.reason,
          ...(j.nodes ? { slurmNodes: j.nodes } : {}),
          ...(j.userId !== null ? { slurmUid: j.userId } : {}),
          ...(j.stdoutPath ? { stdoutPath: expandPath(j.stdoutPath, j) } : {}),
          // Without an error file Slurm writes errors to the output file.
          ...(j.stderrPath || j.stdoutPath ? { stderrPath: expandPath(j.stderrPath ?? j.stdoutPath!, j) } : {}),
        };
        if (status !== "queued" && status !== "running") {
          const cost = await chargeSlurmJob(run, row, j);
          return {
            status: status as RunEnd["status"],
            message: status === "cancelled" && cancel !== "no" ? null : slurmSays(j, ["reason", "exit", "signal"]),
            data: { ...facts, exitCode: j.exitCode, ...(j.startTime ? { startedAt: j.startTime } : {}), ...(cost !== null ? { costCents: cost } : {}) },
          };
        }
        const key = `${j.state}|${j.reason ?? ""}`;
        if (key !== seen) {
          seen = key;
          if (status === "running" && !(await ctx.started()) && cancel === "no") cancel = "wanted";
          await ctx.record({ ...facts, ...(status === "running" && j.startTime ? { startedAt: j.startTime } : {}) });
          await say(slurmSays(j, status === "running" ? ["nodes"] : ["reason"]));
        }
      }
    } catch (err) {
      // The cluster is away or answered badly: the job goes on there; keep following.
      failures++;
      if (failures === 1 || failures % 30 === 0) logger.warn({ err, run: run.id, jobId }, "following a Slurm job: a poll failed");
      await say(ref("serverMessages.run.slurmFollowUnreadable", { jobId, cluster: row.name, error: (err as Error).message })).catch(() => undefined);
    }
    // Wakes early once, to send a cancel at once; never spins.
    await wait(pollMs, cancel === "no" ? signal : undefined);
  }
}

/** Charges a finished job once (its idempotency key is the cluster and job id); the cents charged, or null when unpriced. */
export async function chargeSlurmJob(run: Pick<RunRow, "id" | "userId">, row: clusters.ClusterRow, j: SlurmJob): Promise<number | null> {
  const price = (JSON.parse(row.prices) as TPartitionPrice[]).find((p) => p.partition === j.partition) ?? null;
  const cost = jobCost(j, price);
  if (!cost || cost.cents <= 0) return cost ? 0 : null;
  // Slurm reuses job ids (a reset controller, the range wrapping): the submit time tells two jobs of one id apart.
  const idempotencyKey = `slurm:${row.id}:${j.jobId}:${j.submitTime ? Math.floor(j.submitTime.getTime() / 1000) : 0}`;
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
