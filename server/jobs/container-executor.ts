import "server-only";
import { asRef, parseRef, renderMessage, type StatusReason } from "@/lib/i18n/message-ref";
import { wait } from "./wait";
import { StringDecoder } from "node:string_decoder";
import { gzipSync } from "node:zlib";
import type { Readable } from "node:stream";
import type { Runtime } from "../adapters/runtime";
import { chargedFor } from "../billing/meter.repo";
import { settleInstance } from "../billing/meter";
import { env } from "../env";
import { AppError, ref } from "../http/errors";
import { findImage } from "../images/images.repo";
import { isUnreachable, nodeOf, runtimeOf } from "../instances/engine";
import * as instances from "../instances/instances.repo";
import { placeWorkload, workloadFrom } from "../instances/launch";
import { lease } from "../instances/lease";
import { provision } from "../instances/provision";
import { type BatchWork, containerName } from "../instances/workload";
import { logger } from "../logger";
import { processSingleton } from "../singleton";
import { allNodes } from "../nodes/nodes.repo";
import { findSpec } from "../specs/specs.repo";
import type { RunContext, RunEnd, RunWait } from "./dispatcher";
import type { JobRow, RunRow } from "./jobs.repo";
import { runSignal } from "./run-output";

// Container and python runs: the run's workload is placed, allocated, metered and
// reconciled exactly like an instance (an Instance row carrying the run's id, hidden from
// the instance lists), made with the job's command and started; then watched until it exits,
// times out or is cancelled (SIGTERM, then SIGKILL after JOB_STOP_GRACE_SEC). Its output is
// read as it comes (`::progress`, `::result`), kept when it ends (gzip, the newest
// JOB_LOG_MAX_BYTES), and the container is removed. A run taken over from a console process
// that died is watched again from where its workload is.

const SCRIPT_DIR = "/job";
const POLL_MS = 1_000;
/** How long a run's engine may not answer before the run is given up (its container is then stopped when it can be). */
const ENGINE_PATIENCE_MS = 5 * 60_000;

/** The workload's command, environment and files for a container or python job. Pure. */
export function batchOf(job: Pick<JobRow, "executor" | "config">, runId: string): BatchWork {
  const c = JSON.parse(job.config) as { command?: string; env?: Record<string, string>; workdir?: string; script?: string; args?: string[] };
  const base = { runId, env: { ...(c.env ?? {}), AIC_RUN_ID: runId } };
  if (job.executor === "python") {
    return {
      ...base,
      command: ["python3", "-u", `${SCRIPT_DIR}/main.py`, ...(c.args ?? [])],
      workingDir: SCRIPT_DIR,
      // Read-only for the job's user (0444): the script as stored with the job.
      files: { dir: "/", files: [{ name: "job/main.py", content: c.script ?? "", mode: 0o444 }] },
    };
  }
  return { ...base, command: ["sh", "-c", c.command ?? ""], ...(c.workdir ? { workingDir: c.workdir } : {}) };
}

/** The nodes carrying every tag a job asks for. Pure. */
export function withTags<N extends { tags: string }>(nodes: N[], wanted: string[]): N[] {
  return nodes.filter((n) => {
    const has = JSON.parse(n.tags) as string[];
    return wanted.every((t) => has.includes(t));
  });
}

/**
 * Why runs of a kind (spec, image, tags) could not be placed a moment ago, in this process:
 * the dispatcher leaves runs of that kind waiting without trying each (a queue of many equal
 * runs costs one placement per pass, not one each). Forgotten when a run here frees its
 * resources, and after PLACEMENT_MEMO_MS (another process may have freed some).
 */
const PLACEMENT_MEMO_MS = 1_000;
const blockedKinds = processSingleton("job-blocked-kinds", () => new Map<string, { why: StatusReason; until: number }>());
const kindOf = (job: Pick<JobRow, "specId" | "imageId" | "nodeTags">) => `${job.specId}|${job.imageId}|${job.nodeTags}`;

/** Why a queued run would wait if tried now, when a run of its kind just could not be placed; else null. */
export function knownWait(run: Pick<RunRow, "job">): StatusReason | null {
  if (run.job.executor !== "container" && run.job.executor !== "python") return null;
  const memo = blockedKinds.get(kindOf(run.job));
  return memo && memo.until > Date.now() ? memo.why : null;
}

/** Places the run's workload, or says why it waits. */
async function place(run: RunRow, job: JobRow): Promise<{ id: string; owner: ReturnType<typeof lease> } | RunWait | RunEnd> {
  const [image, spec] = await Promise.all([job.imageId ? findImage(job.imageId) : null, job.specId ? findSpec(job.specId) : null]);
  if (!image || !spec) return { status: "failed", message: `The job's ${image ? "spec" : "image"} was deleted; edit the job` };
  // What an administrator withdrew is no longer offered to users' jobs either.
  if (job.user.role !== "admin" && (!image.isListed || !spec.isListed)) {
    const what = image.isListed ? ref("serverMessages.run.offeredSpec", { name: spec.name }) : ref("serverMessages.run.offeredImage", { name: image.name });
    return { status: "failed", message: ref("serverMessages.run.notOffered", { what }) };
  }
  const tags = JSON.parse(job.nodeTags) as string[];
  const candidates = withTags(await allNodes({ status: "online", isListed: true }), tags);
  if (!candidates.length && tags.length)
    return blocked(job, ref(tags.length > 1 ? "serverMessages.run.waitingTags" : "serverMessages.run.waitingTag", { tags: tags.join(", ") }));
  const owner = lease();
  try {
    const placed = await placeWorkload({
      admin: false,
      image,
      spec,
      candidates,
      admit: async (tx, node) =>
        node.maxJobs > 0 && (await instances.jobWorkloadsOn(tx, node.id)) >= node.maxJobs ? ref("serverMessages.missing.jobSlot", { max: node.maxJobs }) : null,
      data: {
        name: `Job ${job.name}, run ${run.id}`,
        remark: null,
        userId: run.userId,
        ...workloadFrom(image, spec, owner),
        // No data volume: a run's files go with its container.
        dataDiskGb: 0,
        jobRunId: run.id,
      },
    });
    return { id: placed.id, owner };
  } catch (err) {
    // No room (or no node with its tags), or not enough money: the run waits in the queue with the reason.
    if (err instanceof AppError && err.code === "NO_CAPACITY") return blocked(job, ref("serverMessages.run.waiting", { reason: asRef(err.reason) }));
    if (err instanceof AppError && err.code === "INSUFFICIENT_BALANCE") return { wait: ref("serverMessages.run.waiting", { reason: asRef(err.reason) }) };
    throw err;
  }
}

function blocked(job: JobRow, why: StatusReason): RunWait {
  blockedKinds.set(kindOf(job), { why, until: Date.now() + PLACEMENT_MEMO_MS });
  return { wait: why };
}

/** Longer lines are not read for `::` signals (their text stays in the log). */
const MAX_LINE = 64 * 1024;

/** Lines of a log stream as they come (a partial last line at the end too); a line past MAX_LINE is skipped. */
export async function eachLine(stream: Readable, onLine: (line: string) => void): Promise<void> {
  const decoder = new StringDecoder("utf8");
  let rest = "";
  let skipping = false;
  const take = (text: string) => {
    let start = 0;
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
      if (!skipping) onLine(rest + text.slice(start, nl));
      rest = "";
      skipping = false;
      start = nl + 1;
    }
    if (skipping) return;
    rest += text.slice(start);
    if (rest.length > MAX_LINE) {
      rest = "";
      skipping = true;
    }
  };
  for await (const chunk of stream) take(decoder.write(chunk as Buffer));
  take(decoder.end());
  if (rest && !skipping) onLine(rest);
}

type Ending = "exited" | "timed_out" | "cancelled";

/**
 * Watches the workload until it exits, its deadline passes or `signal` aborts; in the last
 * two cases it is stopped (SIGTERM, SIGKILL after the grace). Output lines go to `onLine`.
 */
async function watch(rt: Runtime, name: string, deadline: number, signal: AbortSignal, onLine: (line: string) => void): Promise<Ending> {
  const follow = new AbortController();
  const reading = rt
    .logStream(name, false, true)
    .then(async (s) => {
      follow.signal.addEventListener("abort", () => s.destroy(), { once: true });
      await eachLine(s, onLine);
    })
    .catch((err: unknown) => logger.debug({ err: String(err), name }, "log stream ended"));
  let unreachableSince: number | null = null;
  try {
    for (;;) {
      try {
        const state = await rt.inspect(name);
        unreachableSince = null;
        if (!state?.running) return "exited";
        const ending: Ending | null = signal.aborted ? "cancelled" : Date.now() >= deadline ? "timed_out" : null;
        if (ending) {
          await rt.stop(name, env().JOB_STOP_GRACE_SEC);
          return ending;
        }
      } catch (err) {
        // The engine does not answer for a moment: keep watching (the container runs on), up to ENGINE_PATIENCE_MS.
        if (!isUnreachable(err)) throw err;
        unreachableSince ??= Date.now();
        if (Date.now() - unreachableSince > ENGINE_PATIENCE_MS) throw err;
        logger.warn({ name, err: String(err) }, "a run's engine does not answer; watching on");
      }
      await wait(Math.min(POLL_MS, Math.max(0, deadline - Date.now())), signal);
    }
  } finally {
    // What was written up to the end is read before the stream is closed.
    await Promise.race([reading, new Promise((r) => setTimeout(r, 2_000))]);
    follow.abort();
  }
}

/** The log as kept on the run: the newest `max` bytes, gzip. */
async function keptLog(
  rt: Runtime,
  name: string,
  max: number,
): Promise<{ text: string; log: Uint8Array<ArrayBuffer>; logBytes: number; logTruncated: boolean } | null> {
  const stream = await rt.logStream(name, false).catch(() => null);
  if (!stream) return null;
  const chunks: Buffer[] = [];
  let kept = 0;
  let total = 0;
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    chunks.push(b);
    kept += b.length;
    total += b.length;
    while (kept - (chunks[0]?.length ?? 0) >= max) kept -= chunks.shift()!.length;
  }
  let all = Buffer.concat(chunks);
  if (all.length > max) all = all.subarray(all.length - max);
  return { text: all.toString("utf8"), log: new Uint8Array(gzipSync(all)), logBytes: total, logTruncated: total > all.length };
}

function endOf(
  ending: Ending,
  state: { exitCode: number; oomKilled: boolean } | null,
  timeoutSeconds = 0,
): { status: RunEnd["status"]; message: StatusReason | null } {
  if (ending === "timed_out") return { status: "timed_out", message: ref("serverMessages.run.timeout", { seconds: timeoutSeconds }) };
  if (ending === "cancelled") return { status: "cancelled", message: null };
  if (!state) return { status: "failed", message: ref("serverMessages.run.containerRemoved") };
  if (state.exitCode === 0) return { status: "succeeded", message: null };
  const key = state.oomKilled ? "serverMessages.run.exitedOom" : state.exitCode === 137 ? "serverMessages.run.exitedKilled" : "serverMessages.run.exited";
  return { status: "failed", message: ref(key, { code: state.exitCode }) };
}

/** A run's workload that is no longer wanted (cancelled before it ran, or given up): stopped, ended, removed. */
async function abandon(podId: string, name: string, rt: Runtime | null): Promise<void> {
  await rt?.stop(name, env().JOB_STOP_GRACE_SEC).catch(() => undefined);
  await finishPod(podId, null);
  await rt?.remove(name).catch((err: unknown) => logger.warn({ err: String(err), podId }, "could not remove a run's container"));
}

export async function runContainer(run: RunRow, job: JobRow, signal: AbortSignal, ctx: RunContext): Promise<RunEnd | RunWait> {
  const batch = batchOf(job, run.id);
  // A workload placed by a process that died before it recorded it on the run is taken as it is.
  let podId = run.instanceId ?? (await instances.workloadOfRun(run.id));
  if (podId && !run.instanceId && !(await ctx.starting({ instanceId: podId, nodeId: (await instances.findInstance(podId))?.nodeId ?? null }))) {
    return { status: "cancelled", message: null };
  }
  if (!podId) {
    const placed = await place(run, job);
    if ("wait" in placed || "status" in placed) return placed;
    podId = placed.id;
    const pod = (await instances.findInstance(podId))!;
    // Cancelled while it was placed: nothing is made.
    if (!(await ctx.starting({ instanceId: podId, nodeId: pod.nodeId })) || signal.aborted) {
      await abandon(podId, containerName(podId), null);
      return { status: "cancelled", message: null };
    }
    await provision(podId, placed.owner, batch);
  }
  const pod = await instances.findInstance(podId);
  if (!pod) return { status: "failed", message: ref("serverMessages.run.workloadGone") };
  // Creation failed (image, engine): the reason is the workload's.
  if (pod.status === "failed" || pod.status === "creating") {
    await finishPod(pod.id, null);
    const why = pod.statusMessage ?? renderMessage("en-US", ref("serverMessages.run.notCreated"));
    const whyRef = parseRef(pod.statusRef) ?? pod.statusMessage ?? ref("serverMessages.run.notCreated");
    // The engine's words for an image without the program: said plainly, the engine's words after.
    const missing = /executable file not found|no such file or directory/i.test(why) ? batch.command[0] : null;
    return { status: "failed", message: missing ? ref("serverMessages.run.noProgram", { image: pod.imageName, program: missing, reason: why }) : whyRef };
  }
  const node = await nodeOf(pod);
  const rt = runtimeOf(node);
  const name = containerName(pod.id);
  // Cancelled while its container was made: stopped before it ran long.
  if (signal.aborted) {
    await abandon(pod.id, name, rt);
    return { status: "cancelled", message: null, data: { costCents: await chargedFor(pod.id) } };
  }
  // Taken over after the process running it ended the workload (but not the run): ended as recorded.
  if (pod.status !== "running" && pod.status !== "unknown") {
    await finishPod(pod.id, null);
    await rt.remove(name).catch(() => undefined);
    const recorded = pod.exitCode === null ? null : { exitCode: pod.exitCode, oomKilled: false };
    return { ...endOf("exited", recorded), data: { exitCode: pod.exitCode, costCents: await chargedFor(pod.id) } };
  }

  let progress: number | null = run.progress;
  let written = progress;
  let result: unknown;
  let lastWrite = 0;
  const onLine = (line: string) => {
    if (!line.startsWith("::")) return;
    const s = runSignal(line);
    if (!s) return;
    if ("progress" in s) progress = s.progress;
    else result = s.result;
    // At most once a second to the database.
    if (progress !== written && Date.now() - lastWrite >= 1_000) {
      written = progress;
      lastWrite = Date.now();
      void ctx.record({ progress }).catch(() => undefined);
    }
  };
  const started = (pod.startedAt ?? run.startedAt ?? new Date()).getTime();
  let ending: Ending | null = null;
  let lost: string | null = null;
  try {
    // Cancelled (elsewhere) while its container was made: stopped at once.
    const held = await ctx.started({ nodeId: node.id, instanceId: pod.id });
    ending = await watch(rt, name, started + job.timeoutSeconds * 1000, held ? signal : AbortSignal.abort(), onLine);
  } catch (err) {
    // Whatever broke, the container is not left running unwatched: stopped when the engine answers.
    lost = err instanceof Error ? err.message : String(err);
    logger.error({ err, run: run.id }, "lost sight of a run's container; stopping it");
    await rt.stop(name, env().JOB_STOP_GRACE_SEC).catch(() => undefined);
  }
  const state = await rt.inspect(name).catch(() => null);
  const kept = await keptLog(rt, name, env().JOB_LOG_MAX_BYTES).catch(() => null);
  // The whole output, read once it ended, has the last word (the live reading may lag behind).
  if (kept) {
    for (const line of kept.text.split("\n")) {
      const signal = line.startsWith("::") ? runSignal(line) : null;
      if (signal && "progress" in signal) progress = signal.progress;
      else if (signal) result = signal.result;
    }
  }
  const finished = state?.finishedAt ? new Date(Math.min(Date.now(), Math.max(started, Date.parse(state.finishedAt)))) : new Date();
  await finishPod(pod.id, { exitCode: state?.exitCode ?? null, stoppedAt: finished });
  // The container goes once its end is recorded (the reconciler removes it later if the engine does not answer now).
  await rt.remove(name).catch((err: unknown) => logger.warn({ err: String(err), run: run.id }, "could not remove a run's container"));
  const end = lost
    ? { status: "failed" as const, message: `The console lost sight of the container on node ${node.name}: ${lost}` }
    : endOf(ending!, state, job.timeoutSeconds);
  return {
    ...end,
    data: {
      exitCode: state?.exitCode ?? null,
      progress,
      ...(result !== undefined ? { result: JSON.stringify(result) } : {}),
      costCents: await chargedFor(pod.id),
      ...(kept ? { log: kept.log, logBytes: kept.logBytes, logTruncated: kept.logTruncated } : {}),
    },
  };
}

/**
 * Ends the run's workload: stopped (the reconciler may have recorded its exit first), its
 * allocation freed, its running time charged to its end, then deleted (it is shown as the run).
 */
async function finishPod(id: string, ended: { exitCode: number | null; stoppedAt: Date } | null): Promise<void> {
  const stoppedAt = ended?.stoppedAt ?? new Date();
  await instances.transition(
    id,
    ["running", "unknown"],
    { status: "exited", exitCode: ended?.exitCode ?? null, stoppedAt, statusMessage: null, statusRef: null, leaseOwner: null, leaseUntil: null },
    { release: true },
  );
  await instances.transition(id, ["creating", "failed"], { status: "failed", stoppedAt, leaseOwner: null, leaseUntil: null }, { release: true });
  // Resources are free again: runs waiting for them are tried at the next pass.
  blockedKinds.clear();
  await settleInstance(id);
  await instances.transition(id, ["exited", "stopped", "failed"], { status: "deleted", deletedAt: new Date() }, { release: true });
}
