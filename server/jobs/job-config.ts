import "server-only";
import type { TCreateJobRequest, TJob } from "@/lib/contracts/jobs";
import { seal, unseal } from "../crypto/secret-box";
import { AppError } from "../http/errors";
import type { HttpRequestSpec } from "./http-executor";
import type { JobRow } from "./jobs.repo";

// A job's executor settings as stored (Job.config, JSON) and as answered: secret header
// values of http jobs are sealed at rest and never answered (null); an update that leaves a
// secret's value out keeps the stored one.

const HEADER_CONTEXT = "job.http.header";

type StoredHeader = { name: string; value: string; secret: boolean };
type StoredHttp = Omit<HttpRequestSpec, "headers"> & { headers: StoredHeader[] };

const originOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/** The JSON stored for a job's executor; `previous`: the stored config this replaces (for kept secrets). */
export function storedConfig(input: TCreateJobRequest, previous: string | null = null): string {
  if (input.executor === "container") return JSON.stringify(input.container);
  if (input.executor === "python") return JSON.stringify(input.python);
  if (input.executor === "slurm") return JSON.stringify(input.slurm);
  const stored = previous ? (JSON.parse(previous) as StoredHttp) : null;
  const before = stored?.headers ?? [];
  // A kept secret goes only where it was written for: a new origin needs it typed again.
  const sameOrigin = stored !== null && originOf(stored.url) === originOf(input.http.url);
  const headers = input.http.headers.map((h, i): StoredHeader => {
    if (h.value === undefined) {
      const kept = before.find((b) => b.name.toLowerCase() === h.name.toLowerCase() && b.secret === h.secret);
      const message = kept && !sameOrigin ? "is required again: the URL's origin changed" : "is required";
      if (!kept || !sameOrigin)
        throw new AppError("VALIDATION_FAILED", `http.headers.${i}.value ${message}`, { issues: [{ path: `http.headers.${i}.value`, message }] });
      return kept;
    }
    return { name: h.name, secret: h.secret, value: h.secret ? seal(h.value, HEADER_CONTEXT) : h.value };
  });
  return JSON.stringify({ ...input.http, headers } satisfies StoredHttp);
}

/** The request an http job makes, secrets unsealed (server side only). */
export function httpRequestOf(job: Pick<JobRow, "config">): HttpRequestSpec {
  const c = JSON.parse(job.config) as StoredHttp;
  return { ...c, headers: c.headers.map((h) => ({ ...h, value: h.secret ? unseal(h.value, HEADER_CONTEXT) : h.value })) };
}

/**
 * The stored job as a create request (what an update is merged into and checked as): secret
 * header values are left out, so they are kept unless the update gives new ones.
 */
export function inputOf(job: JobRow): Record<string, unknown> {
  const dto = toJobDto(job);
  const config =
    job.executor === "http"
      ? { ...dto.http!, headers: dto.http!.headers.map((h) => (h.secret ? { name: h.name, secret: true } : h)) }
      : job.executor === "container"
        ? dto.container
        : job.executor === "slurm"
          ? dto.slurm
          : dto.python;
  return {
    executor: job.executor,
    [job.executor]: config,
    name: dto.name,
    description: dto.description,
    imageId: dto.imageId,
    specId: dto.specId,
    nodeTags: dto.nodeTags,
    priority: dto.priority,
    retry: dto.retry,
    timeoutSeconds: dto.timeoutSeconds,
    trigger: dto.trigger,
    ...(dto.runAt ? { runAt: dto.runAt } : {}),
    ...(dto.cron ? { cron: dto.cron } : {}),
    timezone: dto.timezone,
    overlap: dto.overlap,
    misfire: dto.misfire,
  };
}

export type LastRun = TJob["lastRun"];

export function toJobDto(job: JobRow, lastRun: LastRun = null): TJob {
  const config = JSON.parse(job.config) as Record<string, unknown>;
  const http =
    job.executor === "http"
      ? {
          ...(config as StoredHttp),
          headers: (config as StoredHttp).headers.map((h) => ({ name: h.name, secret: h.secret, value: h.secret ? null : h.value })),
        }
      : null;
  return {
    id: job.id,
    userId: job.userId,
    username: job.user.username,
    name: job.name,
    description: job.description,
    executor: job.executor as TJob["executor"],
    container: job.executor === "container" ? (config as TJob["container"]) : null,
    python: job.executor === "python" ? (config as TJob["python"]) : null,
    http: http as TJob["http"],
    slurm: job.executor === "slurm" ? (config as TJob["slurm"]) : null,
    imageId: job.imageId,
    specId: job.specId,
    nodeTags: JSON.parse(job.nodeTags) as string[],
    priority: job.priority as TJob["priority"],
    retry: {
      maxAttempts: job.maxAttempts,
      backoff: job.backoff as "fixed" | "exponential",
      delaySeconds: job.retryDelaySeconds,
      maxDelaySeconds: job.retryMaxDelaySeconds,
    },
    timeoutSeconds: job.timeoutSeconds,
    trigger: job.trigger as TJob["trigger"],
    runAt: job.runAt?.toISOString() ?? null,
    cron: job.cron,
    timezone: job.timezone,
    overlap: job.overlap as TJob["overlap"],
    misfire: job.misfire as TJob["misfire"],
    status: job.status as TJob["status"],
    nextRunAt: job.nextRunAt?.toISOString() ?? null,
    lastRun,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
}
