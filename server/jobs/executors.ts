import "server-only";
import type { BlockList } from "node:net";
import { runContainer } from "./container-executor";
export { knownWait } from "./container-executor";
import type { Execute, RunEnd } from "./dispatcher";
import { runHttpRequest } from "./http-executor";
import { httpRequestOf } from "./job-config";
import { runSlurm } from "./slurm-executor";

// What each executor does with a claimed run. The http executor runs in the console; the
// container and python executors run on the nodes (placed like instances); the slurm
// executor submits to a cluster and follows the job there.

export function executors(allowlist: () => Promise<BlockList | null>): Execute {
  return async (run, job, signal, ctx) => {
    if (job.executor === "slurm") return runSlurm(run, job, signal, ctx);
    if (job.executor !== "http") return runContainer(run, job, signal, ctx);
    // Cancelled while it was being taken: nothing is sent.
    if (!(await ctx.started())) return { status: "cancelled", message: null };
    const o = await runHttpRequest(httpRequestOf(job), { timeoutMs: job.timeoutSeconds * 1000, allow: await allowlist(), signal });
    const status: RunEnd["status"] = o.ok ? "succeeded" : o.aborted ? "cancelled" : o.timedOut ? "timed_out" : "failed";
    return {
      status,
      message: o.error,
      data: {
        httpStatus: o.status,
        latencyMs: o.latencyMs,
        responseHeaders: JSON.stringify(o.headers),
        responseBody: o.body,
        logTruncated: o.bodyTruncated,
      },
    };
  };
}
