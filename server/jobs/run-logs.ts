import "server-only";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import type { TRunLogs } from "@/lib/contracts/jobs";
import type { LogLine } from "../adapters/runtime";
import { isAdmin } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { env } from "../env";
import { AppError, notFound } from "../http/errors";
import { findCluster, pinLoginHostKey } from "../clusters/clusters.repo";
import { type FileTail, loginTarget, OutputRefused, readJobFile } from "../clusters/login-node";
import { engineError, nodeOf, runtimeOf } from "../instances/engine";
import { findInstance } from "../instances/instances.repo";
import { containerName } from "../instances/workload";
import * as repo from "./jobs.repo";

// A run's output: read from its container while it runs (live), from the log kept on the run
// once it ended (gzip, its newest JOB_LOG_MAX_BYTES), as the last lines or as a download. A
// Slurm run's output and error files are read through its cluster's login node (their
// newest JOB_LOG_MAX_BYTES), live while it runs and after.

async function loadRun(p: Principal, id: string): Promise<repo.RunRow> {
  const run = await repo.findRun(id);
  if (!run || (run.userId !== p.userId && !isAdmin(p))) throw notFound("Run");
  return run;
}

/** The container a run is running in (its engine and name), or null when it has none now. */
async function liveContainer(run: repo.RunRow) {
  if (!run.instanceId || !["starting", "running"].includes(run.status)) return null;
  const pod = await findInstance(run.instanceId);
  if (pod?.status !== "running") return null;
  const node = await nodeOf(pod);
  return { node, rt: runtimeOf(node, 30_000), name: containerName(pod.id) };
}

async function keptText(run: repo.RunRow): Promise<string> {
  const log = run.logBytes > 0 ? await repo.runLog(run.id) : null;
  return log ? gunzipSync(log).toString("utf8") : "";
}

/** A Slurm run's output or error file, through the cluster's login node (null: not written yet). */
async function slurmFile(run: repo.RunRow, file: "output" | "error", admin: boolean): Promise<FileTail | null> {
  const path = file === "error" ? run.stderrPath : run.stdoutPath;
  const cluster = run.clusterId ? await findCluster(run.clusterId) : null;
  if (!cluster || !path || run.slurmUid === null) return null;
  const target = loginTarget(cluster);
  if (!target) throw new AppError("UNPROCESSABLE", `Cluster ${cluster.name} has no login node set: the ${file} is at ${path} on the cluster`);
  try {
    // The login node's host key is pinned at first contact, as a node's is.
    return await readJobFile(target, path, run.slurmUid, env().JOB_LOG_MAX_BYTES, (hostKey) => pinLoginHostKey(cluster.id, hostKey));
  } catch (err) {
    if (err instanceof OutputRefused) throw new AppError("UNPROCESSABLE", `${err.message}: ${path}`);
    // The login node's address is for administrators.
    throw new AppError(
      "CLUSTER_UNREACHABLE",
      `The login node of ${cluster.name} cannot be read${admin ? `: ${(err as Error).message}` : " now; try again later"}`,
    );
  }
}

export async function runLogs(p: Principal, id: string, tail: number, file: "output" | "error" = "output"): Promise<TRunLogs> {
  const run = await loadRun(p, id);
  const kept = { logBytes: run.logBytes, capBytes: env().JOB_LOG_MAX_BYTES };
  if (run.job.executor === "slurm") {
    const read = await slurmFile(run, file, isAdmin(p));
    const lines = (read?.text ?? "").split("\n");
    if (lines.at(-1) === "") lines.pop();
    const stream = file === "error" ? "stderr" : "stdout";
    return {
      lines: lines.slice(-tail).map((text) => ({ stream, text })),
      truncated: lines.length > tail || !!read?.truncated,
      live: ["queued", "starting", "running"].includes(run.status),
      logBytes: read?.size ?? 0,
      capBytes: kept.capBytes,
    };
  }
  const live = await liveContainer(run);
  if (live) {
    try {
      const read = await live.rt.logs(live.name, { tail });
      return { ...read, live: true, ...kept };
    } catch (err) {
      throw engineError(err, live.node, "read the logs");
    }
  }
  const lines = (await keptText(run)).split("\n");
  if (lines.at(-1) === "") lines.pop();
  const shown: LogLine[] = lines.slice(-tail).map((text) => ({ stream: "stdout", text }));
  // Older output than the tail, or output past the cap that was not kept.
  return { lines: shown, truncated: lines.length > tail || run.logTruncated, live: false, ...kept };
}

export async function runLogDownload(p: Principal, id: string, file: "output" | "error" = "output"): Promise<{ name: string; stream: Readable }> {
  const run = await loadRun(p, id);
  const name = `${run.job.name}-run-${run.id}`;
  if (run.job.executor === "slurm") {
    const read = await slurmFile(run, file, isAdmin(p));
    const note = read?.truncated ? `[only the last ${Buffer.byteLength(read.text)} of ${read.size} bytes]\n` : "";
    return { name: `${name}${file === "error" ? "-err" : ""}`, stream: Readable.from([note + (read?.text ?? "")]) };
  }
  const live = await liveContainer(run);
  if (live) {
    try {
      return { name, stream: await live.rt.logStream(live.name, false) };
    } catch (err) {
      throw engineError(err, live.node, "read the logs");
    }
  }
  const text = await keptText(run);
  const note = run.logTruncated ? `[only the last ${Buffer.byteLength(text)} of ${run.logBytes} bytes were kept]\n` : "";
  return { name, stream: Readable.from([note + text]) };
}
