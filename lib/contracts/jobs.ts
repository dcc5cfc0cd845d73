import { z } from "zod";
import { ZId, ZIdParams, ZMessageRef, ZNullableTimestamp, ZPage, ZPageQuery, ZTimestamp } from "./common";
import { endpoint } from "./endpoint";
import { ZNodeTag } from "./nodes";

// Jobs: batch work with a queue, priorities, retries, timeouts and cron schedules. A job says
// what to run (its executor: a command in a container, a Python script, an HTTP request, or a
// batch script submitted to a Slurm cluster),
// on what and when; each execution is a run (attempts of a retried run are runs of their own,
// linked to the first). Runs are owner-scoped; administrators see all.

export const JOB_EXECUTORS = ["container", "python", "http", "slurm"] as const;
export const JOB_PRIORITIES = ["low", "normal", "high", "critical"] as const;
export const JOB_TRIGGERS = ["now", "once", "cron"] as const;
export const JOB_STATUSES = ["active", "paused", "disabled"] as const;
export const RUN_STATUSES = ["queued", "starting", "running", "succeeded", "failed", "timed_out", "cancelled", "lost"] as const;
export const RUN_ENDED: readonly TRunStatus[] = ["succeeded", "failed", "timed_out", "cancelled", "lost"];
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;

export type TRunStatus = (typeof RUN_STATUSES)[number];

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const noControl = (s: z.ZodString) => s.regex(/^[^\p{Cc}]*$/u, "must not contain control characters");

/** Environment variables: POSIX names, values of any text. */
const ZEnv = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "must be a variable name (letters, digits, _)"), text(8192)).default({});

export const ZContainerConfig = z.object({
  /** Run with `sh -c` in a fresh container. */
  command: text(65536).refine((v) => v.trim().length > 0, "is required"),
  env: ZEnv,
  workdir: noControl(text(1024))
    .regex(/^(\/.*)?$/, "must be an absolute path")
    .optional(),
});

export const ZPythonConfig = z.object({
  /** Stored with the job, mounted read-only at /job/main.py, run by python3. */
  script: text(256 * 1024).refine((v) => v.trim().length > 0, "is required"),
  args: z.array(text(4096)).max(100, "must be at most 100 arguments").default([]),
  env: ZEnv,
});

export const ZHttpHeaderInput = z.object({
  name: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, "must be an HTTP header name"),
  /** Write-only when secret: left out on an update, the stored value is kept. */
  value: noControl(text(8192)).optional(),
  secret: z.boolean().default(false),
});

export const ZHttpConfigInput = z.object({
  method: z.enum(HTTP_METHODS).default("GET"),
  url: noControl(text(2048)).url("must be an http or https URL"),
  headers: z.array(ZHttpHeaderInput).max(50, "must be at most 50 headers").default([]),
  body: text(1024 * 1024).optional(),
  /** Statuses that count as success; empty: any 2xx. */
  acceptStatus: z.array(z.number().int().min(100).max(599)).max(50).default([]),
});

const count = (max: number) =>
  z.number({ error: "must be a whole number" }).int("must be a whole number").min(1, "must be at least 1").max(max, `must be at most ${max}`);

/**
 * A batch script for a Slurm cluster (`#SBATCH` lines allowed; the fields here win over
 * them). The job's timeout is the Slurm time limit (whole minutes, rounded up).
 */
export const ZSlurmConfig = z.object({
  clusterId: ZId,
  script: text(256 * 1024)
    .refine((v) => v.trim().length > 0, "is required")
    .refine((v) => v.startsWith("#!"), "must start with an interpreter line (#!/bin/bash)"),
  partition: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be a partition name (A-Z a-z 0-9 _ . -)")
    .nullable()
    .optional(),
  nodes: count(10_000).nullable().optional(),
  tasks: count(1_000_000).nullable().optional(),
  cpusPerTask: count(10_000).nullable().optional(),
  /** Memory per node, MB. */
  memoryMb: count(1 << 30)
    .nullable()
    .optional(),
  gpus: z.number({ error: "must be a whole number" }).int("must be a whole number").min(0, "must not be negative").max(64, "must be at most 64").default(0),
  env: ZEnv,
  /** Where the job runs and its output files go; default: the Slurm user's home. */
  workdir: noControl(text(1024))
    .regex(/^\/[^\s]*$/, "must be an absolute path without spaces")
    .nullable()
    .optional(),
});
export type TSlurmConfig = z.infer<typeof ZSlurmConfig>;

/** How an http job's header shows in answers: a secret's value never leaves the server. */
export const ZHttpHeader = z.object({ name: z.string(), value: z.string().nullable(), secret: z.boolean() });
export const ZHttpConfig = ZHttpConfigInput.extend({ headers: z.array(ZHttpHeader) });

export const ZRetryPolicy = z.object({
  maxAttempts: z.number({ error: "must be a whole number" }).int("must be a whole number").min(1, "must be at least 1").max(20, "must be at most 20"),
  backoff: z.enum(["fixed", "exponential"]),
  delaySeconds: z.number().int("must be a whole number").min(0, "must not be negative").max(86_400, "must be at most 86400"),
  maxDelaySeconds: z.number().int("must be a whole number").min(1, "must be at least 1").max(86_400, "must be at most 86400"),
});

const jobFields = {
  name: noControl(z.string().trim().min(1, "is required").max(100, "must be at most 100 characters")),
  description: text(2000).nullable().optional(),
  imageId: ZId.nullable().optional(),
  specId: ZId.nullable().optional(),
  /** Runs go only to nodes carrying all of these tags. */
  nodeTags: z.array(ZNodeTag).max(20, "must be at most 20 tags").default([]),
  priority: z.enum(JOB_PRIORITIES).default("normal"),
  retry: ZRetryPolicy.optional(),
  /** Default: the console's setting. */
  timeoutSeconds: z
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(7 * 86_400, "must be at most 604800")
    .optional(),
  trigger: z.enum(JOB_TRIGGERS).default("now"),
  runAt: ZTimestamp.optional(),
  cron: text(200).optional(),
  timezone: text(64).default("UTC"),
  overlap: z.enum(["allow", "forbid", "replace"]).default("allow"),
  misfire: z.enum(["skip", "once"]).default("skip"),
};

/** A change to a job: any field but the executor; what is left out stays. The result is checked as a whole. */
const unwrapDefault = (s: z.ZodType): z.ZodType => (s instanceof z.ZodDefault ? (s.unwrap() as z.ZodType) : s);
export const ZUpdateJobRequest = z
  .object({
    ...(Object.fromEntries(Object.entries(jobFields).map(([k, v]) => [k, unwrapDefault(v).optional()])) as {
      [K in keyof typeof jobFields]: z.ZodOptional<z.ZodType<z.output<(typeof jobFields)[K]>>>;
    }),
    container: ZContainerConfig.optional(),
    python: ZPythonConfig.optional(),
    http: ZHttpConfigInput.optional(),
    slurm: ZSlurmConfig.optional(),
  })
  .strict();
export type TUpdateJobRequest = z.infer<typeof ZUpdateJobRequest>;

export const ZCreateJobRequest = z.discriminatedUnion("executor", [
  z.object({ executor: z.literal("container"), container: ZContainerConfig, ...jobFields }).strict(),
  z.object({ executor: z.literal("python"), python: ZPythonConfig, ...jobFields }).strict(),
  z.object({ executor: z.literal("http"), http: ZHttpConfigInput, ...jobFields }).strict(),
  z.object({ executor: z.literal("slurm"), slurm: ZSlurmConfig, ...jobFields }).strict(),
]);
export type TCreateJobRequest = z.infer<typeof ZCreateJobRequest>;

export const ZJob = z.object({
  id: z.string(),
  userId: z.string(),
  username: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  executor: z.enum(JOB_EXECUTORS),
  container: ZContainerConfig.nullable(),
  python: ZPythonConfig.nullable(),
  http: ZHttpConfig.nullable(),
  slurm: ZSlurmConfig.nullable(),
  imageId: z.string().nullable(),
  specId: z.string().nullable(),
  nodeTags: z.array(z.string()),
  priority: z.enum(JOB_PRIORITIES),
  retry: ZRetryPolicy,
  timeoutSeconds: z.number().int(),
  trigger: z.enum(JOB_TRIGGERS),
  runAt: ZNullableTimestamp,
  cron: z.string().nullable(),
  timezone: z.string(),
  overlap: z.enum(["allow", "forbid", "replace"]),
  misfire: z.enum(["skip", "once"]),
  status: z.enum(JOB_STATUSES),
  nextRunAt: ZNullableTimestamp,
  /** Its newest run. */
  lastRun: z.object({ id: z.string(), status: z.enum(RUN_STATUSES), at: ZTimestamp }).nullable(),
  createdAt: ZTimestamp,
  updatedAt: ZTimestamp,
});
export type TJob = z.infer<typeof ZJob>;

export const ZJobRun = z.object({
  id: z.string(),
  jobId: z.string(),
  jobName: z.string(),
  userId: z.string(),
  firstRunId: z.string().nullable(),
  attempt: z.number().int(),
  trigger: z.enum(["manual", "schedule", "catch_up", "retry", "api"]),
  status: z.enum(RUN_STATUSES),
  statusMessage: z.string().nullable(),
  /** statusMessage as a dictionary key and parameters, to show it in the reader's language (null: show statusMessage). */
  statusRef: ZMessageRef.nullable(),
  scheduledFor: ZNullableTimestamp,
  queuedAt: ZTimestamp,
  notBefore: ZTimestamp,
  startedAt: ZNullableTimestamp,
  finishedAt: ZNullableTimestamp,
  nodeId: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  progress: z.number().int().nullable(),
  result: z.unknown().nullable(),
  httpStatus: z.number().int().nullable(),
  latencyMs: z.number().int().nullable(),
  /** http runs: the answer's headers and the first 64 KiB of its body. */
  responseHeaders: z.record(z.string(), z.string()).nullable(),
  responseBody: z.string().nullable(),
  costCents: z.number().int(),
  logBytes: z.number().int(),
  logTruncated: z.boolean(),
  /** A cancel was asked; the run stops (its status follows). */
  cancelRequested: z.boolean(),
  /** slurm runs: the cluster, Slurm's job id, its own state and reason, and the output files. */
  slurm: z
    .object({
      clusterId: z.string(),
      jobId: z.number().int().nullable(),
      /** The Slurm user it runs as, and the nodes Slurm gave it. */
      user: z.string().nullable(),
      nodes: z.string().nullable(),
      state: z.string().nullable(),
      reason: z.string().nullable(),
      stdoutPath: z.string().nullable(),
      stderrPath: z.string().nullable(),
    })
    .nullable(),
  /** One run: while it is queued, how many runs (of all users) start before it. */
  runsAhead: z.number().int().nullable().optional(),
});
export type TJobRun = z.infer<typeof ZJobRun>;

export const ZRunLogsQuery = z.object({
  tail: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(10_000, "must be at most 10000")
    .default(200),
  /** slurm runs: the job's output file or its error file. */
  file: z.enum(["output", "error"]).default("output"),
});

export const ZRunLogs = z.object({
  lines: z.array(z.object({ stream: z.enum(["stdout", "stderr"]), text: z.string() })),
  /** Older lines were left out (of the tail asked for, or past the cap kept per run). */
  truncated: z.boolean(),
  /** Read from the running container; otherwise the log kept when the run ended. */
  live: z.boolean(),
  /** The whole output's size, and how much of it a run keeps (its newest part). */
  logBytes: z.number().int(),
  capBytes: z.number().int(),
});
export type TRunLogs = z.infer<typeof ZRunLogs>;

/** A run waiting or running, in queue order. */
export const ZQueueItem = z.object({
  run: ZJobRun,
  /** 1 for the next run to start (among all users' queued runs); null once it runs. */
  position: z.number().int().nullable(),
});
export const ZNodeLoad = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  runningJobs: z.number().int(),
  maxJobs: z.number().int(),
  gpusUsed: z.number().int(),
  gpuCount: z.number().int(),
  cpuUsed: z.number().int(),
  cpuCores: z.number().int(),
});
export type TNodeLoad = z.infer<typeof ZNodeLoad>;
export const ZQueue = z.object({
  items: z.array(ZQueueItem),
  /** Administrators: each node's load; null for users. */
  nodes: z.array(ZNodeLoad).nullable(),
});
export type TQueue = z.infer<typeof ZQueue>;

export const ZWorker = z.object({
  id: z.string(),
  name: z.string(),
  /** busy: at its job limit, or no free CPU for another run. */
  status: z.enum(["online", "offline", "busy"]),
  /** The node's last health check that reached it. */
  lastHeartbeat: ZNullableTimestamp,
  currentRuns: z.number().int(),
  maxJobs: z.number().int(),
  tags: z.array(z.string()),
  enabled: z.boolean(),
});
export type TWorker = z.infer<typeof ZWorker>;
export const ZUpdateWorkerRequest = z
  .object({
    maxJobs: z.number().int("must be a whole number").min(0, "must not be negative").max(1000, "must be at most 1000").optional(),
    tags: z.array(ZNodeTag).max(20, "must be at most 20 tags").optional(),
    /** Listed for placement. */
    enabled: z.boolean().optional(),
  })
  .strict();

export const ZSystemStatus = z.object({
  jobs: z.object({ total: z.number().int(), active: z.number().int(), paused: z.number().int(), disabled: z.number().int() }),
  runs: z.object({ queued: z.number().int(), running: z.number().int() }),
  workers: z.object({ total: z.number().int(), online: z.number().int(), offline: z.number().int() }),
  /** Runs queued since 00:00 UTC. */
  runsToday: z.number().int(),
  /** Percent of the runs that ended since 00:00 UTC that succeeded; null when none ended. */
  successRate: z.number().nullable(),
});
export type TSystemStatus = z.infer<typeof ZSystemStatus>;

export const ZJobQuery = ZPageQuery.extend({ name: z.string().trim().max(100).optional(), status: z.enum(JOB_STATUSES).optional() });
export const ZRunQuery = ZPageQuery.extend({ jobId: ZId.optional(), status: z.enum(RUN_STATUSES).optional(), clusterId: ZId.optional() });

export const jobsEndpoints = {
  listJobs: endpoint({
    method: "GET",
    path: "/api/v1/jobs",
    auth: "user",
    tag: "Jobs",
    summary: "My jobs (administrators: everyone's), newest first",
    query: ZJobQuery,
    response: ZPage(ZJob),
  }),
  createJob: endpoint({
    method: "POST",
    path: "/api/v1/jobs",
    audit: "job.create",
    auth: "user",
    tag: "Jobs",
    summary: "Define a job (trigger now: its first run is queued at once)",
    body: ZCreateJobRequest,
    response: ZJob,
    status: 201,
    maxBodyBytes: 512 * 1024,
    errors: ["NOT_FOUND"],
  }),
  getJob: endpoint({
    method: "GET",
    path: "/api/v1/jobs/{id}",
    auth: "user",
    tag: "Jobs",
    summary: "One job",
    params: ZIdParams,
    response: ZJob,
    errors: ["NOT_FOUND"],
  }),
  updateJob: endpoint({
    method: "PATCH",
    path: "/api/v1/jobs/{id}",
    audit: "job.update",
    auth: "user",
    tag: "Jobs",
    summary: "Change a job (its executor stays); the schedule's next fire is worked out again",
    params: ZIdParams,
    body: ZUpdateJobRequest,
    response: ZJob,
    maxBodyBytes: 512 * 1024,
    errors: ["NOT_FOUND"],
  }),
  deleteJob: endpoint({
    method: "DELETE",
    path: "/api/v1/jobs/{id}",
    audit: "job.delete",
    auth: "user",
    tag: "Jobs",
    summary: "Delete a job: its queued runs are cancelled, running ones stopped; its runs stay readable",
    params: ZIdParams,
    status: 204,
    errors: ["NOT_FOUND"],
  }),
  pauseJob: endpoint({
    method: "POST",
    path: "/api/v1/jobs/{id}/pause",
    audit: "job.pause",
    auth: "user",
    tag: "Jobs",
    summary: "Pause a job's schedule (it can still be triggered by hand)",
    params: ZIdParams,
    response: ZJob,
    errors: ["NOT_FOUND", "INVALID_STATE"],
  }),
  resumeJob: endpoint({
    method: "POST",
    path: "/api/v1/jobs/{id}/resume",
    audit: "job.resume",
    auth: "user",
    tag: "Jobs",
    summary: "Resume a paused or disabled job: its schedule goes on from now",
    params: ZIdParams,
    response: ZJob,
    errors: ["NOT_FOUND", "INVALID_STATE"],
  }),
  disableJob: endpoint({
    method: "POST",
    path: "/api/v1/jobs/{id}/disable",
    audit: "job.disable",
    auth: "user",
    tag: "Jobs",
    summary: "Disable a job: no scheduled or manual runs until it is resumed",
    params: ZIdParams,
    response: ZJob,
    errors: ["NOT_FOUND", "INVALID_STATE"],
  }),
  triggerJob: endpoint({
    method: "POST",
    path: "/api/v1/jobs/{id}/trigger",
    audit: "job.trigger",
    auth: "user",
    tag: "Jobs",
    summary: "Queue a run of the job now (whatever its schedule)",
    params: ZIdParams,
    response: ZJobRun,
    status: 201,
    errors: ["NOT_FOUND", "INVALID_STATE"],
  }),
  listRuns: endpoint({
    method: "GET",
    path: "/api/v1/runs",
    auth: "user",
    tag: "Jobs",
    summary: "Runs, newest first (filter by job, status and Slurm cluster)",
    query: ZRunQuery,
    response: ZPage(ZJobRun),
  }),
  getRun: endpoint({
    method: "GET",
    path: "/api/v1/runs/{id}",
    auth: "user",
    tag: "Jobs",
    summary: "One run",
    params: ZIdParams,
    response: ZJobRun,
    errors: ["NOT_FOUND"],
  }),
  retryRun: endpoint({
    method: "POST",
    path: "/api/v1/runs/{id}/retry",
    audit: "run.retry",
    auth: "user",
    tag: "Jobs",
    summary: "Run an ended run again: a new attempt, linked to the first",
    params: ZIdParams,
    response: ZJobRun,
    status: 201,
    errors: ["NOT_FOUND", "INVALID_STATE"],
  }),
  queue: endpoint({
    method: "GET",
    path: "/api/v1/queue",
    auth: "user",
    tag: "Jobs",
    summary: "Runs waiting and running, in queue order, each saying why it waits (administrators: everyone's, with each node's load)",
    response: ZQueue,
  }),
  listWorkers: endpoint({
    method: "GET",
    path: "/api/v1/workers",
    auth: "admin",
    tag: "Jobs",
    summary: "The nodes as job workers: status, last heartbeat (health check), current runs, job limit and tags",
    response: z.object({ items: z.array(ZWorker) }),
  }),
  updateWorker: endpoint({
    method: "PUT",
    path: "/api/v1/workers/{id}",
    audit: "worker.update",
    auth: "admin",
    tag: "Jobs",
    summary: "A node's job limit, tags and whether it takes work",
    params: ZIdParams,
    body: ZUpdateWorkerRequest,
    response: ZWorker,
    errors: ["NOT_FOUND"],
  }),
  systemStatus: endpoint({
    method: "GET",
    path: "/api/v1/system/status",
    auth: "admin",
    tag: "Jobs",
    summary: "Jobs by status, runs queued and running, workers online and offline, runs today and their success rate",
    response: ZSystemStatus,
  }),
  runLogs: endpoint({
    method: "GET",
    path: "/api/v1/runs/{id}/logs",
    auth: "user",
    tag: "Jobs",
    summary: "The last lines of a run's output: live while it runs, then the log kept with it",
    params: ZIdParams,
    query: ZRunLogsQuery,
    response: ZRunLogs,
    errors: ["NOT_FOUND", "NODE_UNREACHABLE", "UNPROCESSABLE"],
  }),
  downloadRunLogs: endpoint({
    method: "GET",
    path: "/api/v1/runs/{id}/logs/download",
    auth: "user",
    tag: "Jobs",
    summary: "A run's whole output (as kept) as a text file",
    params: ZIdParams,
    query: ZRunLogsQuery.pick({ file: true }),
    produces: "text/plain",
    errors: ["NOT_FOUND", "NODE_UNREACHABLE"],
  }),
  cancelRun: endpoint({
    method: "POST",
    path: "/api/v1/runs/{id}/cancel",
    audit: "run.cancel",
    auth: "user",
    tag: "Jobs",
    summary: "Cancel a run: a queued one at once, a running one is stopped (its status follows)",
    params: ZIdParams,
    response: ZJobRun,
    errors: ["NOT_FOUND", "INVALID_STATE"],
  }),
};
