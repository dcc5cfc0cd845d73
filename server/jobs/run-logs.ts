import "server-only";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import type { TRunLogs } from "@/lib/contracts/jobs";
import type { LogLine } from "../adapters/runtime";
import { isAdmin } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { env } from "../env";
import { notFound } from "../http/errors";
import { engineError, nodeOf, runtimeOf } from "../instances/engine";
import { findInstance } from "../instances/instances.repo";
import { containerName } from "../instances/workload";
import * as repo from "./jobs.repo";

// A run's output: read from its container while it runs (live), from the log kept on the run
// once it ended (gzip, its newest JOB_LOG_MAX_BYTES), as the last lines or as a download.

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

export async function runLogs(p: Principal, id: string, tail: number): Promise<TRunLogs> {
  const run = await loadRun(p, id);
  const kept = { logBytes: run.logBytes, capBytes: env().JOB_LOG_MAX_BYTES };
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

export async function runLogDownload(p: Principal, id: string): Promise<{ name: string; stream: Readable }> {
  const run = await loadRun(p, id);
  const name = `${run.job.name}-run-${run.id}`;
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
