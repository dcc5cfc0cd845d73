import { z } from "zod";
import { ZId, ZIdParams, ZMessageRef, ZNullableTimestamp, ZPage, ZPageQuery, ZQueryBool, ZTimestamp } from "./common";
import { endpoint } from "./endpoint";

// Instances: a user's container on a node, launched from an image and a spec.

export const INSTANCE_STATUSES = ["creating", "running", "stopped", "exited", "failed", "unknown", "deleted"] as const;
export const ZInstanceStatus = z.enum(INSTANCE_STATUSES);
export type TInstanceStatus = z.infer<typeof ZInstanceStatus>;

/** Where the per-instance data volume is mounted inside the container. */
export const DATA_MOUNT_PATH = "/root/data";

const ZName = z
  .string()
  .trim()
  .min(1, "is required")
  .max(64, "must be at most 64 characters")
  .regex(/^[^\p{C}]+$/u, "must not contain control characters");
const ZRemark = z.string().trim().max(500, "must be at most 500 characters").nullable().optional();

export const ZCreateInstanceRequest = z
  .object({
    name: ZName,
    imageId: ZId,
    specId: ZId,
    /** Omit to let the console pick the best matching node. */
    nodeId: ZId.nullable().optional(),
    remark: ZRemark,
  })
  .strict();
export type TCreateInstanceRequest = z.infer<typeof ZCreateInstanceRequest>;

export const ZUpdateInstanceRequest = z.object({ name: ZName.optional(), remark: ZRemark }).strict();
export type TUpdateInstanceRequest = z.infer<typeof ZUpdateInstanceRequest>;

export const ZStartInstanceRequest = z
  .object({
    /** Start without GPUs when none are free on the instance's node (data is kept). */
    withoutGpu: z.boolean().default(false),
  })
  .strict();

export const ZHeldGpu = z.object({ index: z.number().int(), memoryGb: z.number().int(), exclusive: z.boolean() });

/** A web app the instance serves, opened through the console's app proxy. */
export const ZInstanceApp = z.object({
  port: z.number().int(),
  name: z.string(),
  /** "jupyter": JupyterLab started by the console (base URL and token set by it); "http": any web app. */
  kind: z.enum(["http", "jupyter"]),
  /** The console's link that opens it (signing the browser in to the app's own origin). */
  url: z.string(),
});
export type TInstanceApp = z.infer<typeof ZInstanceApp>;

export const ZInstance = z.object({
  id: z.string(),
  name: z.string(),
  remark: z.string().nullable(),
  status: ZInstanceStatus,
  /** Why it failed / exited / is unknown, in words. */
  statusMessage: z.string().nullable(),
  /** statusMessage as a dictionary key and parameters, to show it in the reader's language (null: show statusMessage). */
  statusRef: ZMessageRef.nullable(),
  exitCode: z.number().int().nullable(),
  userId: z.string(),
  username: z.string(),
  imageId: z.string().nullable(),
  imageName: z.string(),
  imageAddress: z.string(),
  specId: z.string().nullable(),
  specName: z.string(),
  nodeId: z.string().nullable(),
  nodeName: z.string().nullable(),
  gpuModel: z.string().nullable(),
  gpuCount: z.number().int(),
  gpuMemoryGb: z.number().int(),
  memorySplit: z.boolean(),
  cpuCores: z.number().int(),
  memoryGb: z.number().int(),
  systemDiskGb: z.number().int(),
  dataDiskGb: z.number().int(),
  pricePerHourCents: z.number().int(),
  withoutGpu: z.boolean(),
  /** GPUs it holds now (none while stopped). */
  gpus: z.array(ZHeldGpu),
  containerId: z.string().nullable(),
  dataPath: z.string(),
  /** Web apps its image declares; any other port opens at /apps/<id>/<port>/ too. */
  apps: z.array(ZInstanceApp),
  createdAt: ZTimestamp,
  updatedAt: ZTimestamp,
  startedAt: ZNullableTimestamp,
  stoppedAt: ZNullableTimestamp,
  /** Charged for it so far, net of refunds (what its ledger entries add up to). */
  costCents: z.number().int(),
  /**
   * Running time so far, in seconds, over all its runs: up to now while it runs (costCents,
   * charged per interval, trails it by up to one interval).
   */
  runningSeconds: z.number().int(),
});
export type TInstance = z.infer<typeof ZInstance>;

export const ZInstanceQuery = ZPageQuery.extend({
  name: z.string().trim().max(64).optional(),
  status: ZInstanceStatus.optional(),
  nodeId: ZId.optional(),
  /** Admins only; users always see their own. */
  userId: ZId.optional(),
});

export const ZLogsQuery = z.object({
  tail: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(10_000, "must be at most 10000")
    .default(100),
  /** ISO-8601 time or Unix seconds: only lines after it. */
  since: z
    .string()
    .trim()
    .regex(/^(\d{1,12}|\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2}))$/, "must be an ISO-8601 time or Unix seconds")
    .refine((v) => /^\d+$/.test(v) || !Number.isNaN(Date.parse(v)), "is not a real time")
    .optional(),
  timestamps: ZQueryBool.optional(),
});
export type TLogsQuery = z.infer<typeof ZLogsQuery>;

export const ZLogLine = z.object({ stream: z.enum(["stdout", "stderr"]), text: z.string() });
export const ZLogs = z.object({
  lines: z.array(ZLogLine),
  /** Older lines of the tail asked for were left out: an answer holds at most about 2 MB (the download has all). */
  truncated: z.boolean(),
});
export type TLogs = z.infer<typeof ZLogs>;

/** Container resource usage, computed as the Docker CLI does. */
export const ZInstanceStats = z.object({
  ts: ZTimestamp,
  cpuPercent: z.number(),
  memoryUsage: z.number().int(),
  memoryLimit: z.number().int(),
  memoryPercent: z.number(),
  networkRx: z.number().int(),
  networkTx: z.number().int(),
  blockRead: z.number().int(),
  blockWrite: z.number().int(),
  pids: z.number().int(),
});
export type TInstanceStats = z.infer<typeof ZInstanceStats>;

const CONTROL_ERRORS = ["NOT_FOUND", "INVALID_STATE", "NODE_UNREACHABLE", "ENGINE_ERROR"] as const;

export const instancesEndpoints = {
  listInstances: endpoint({
    method: "GET",
    path: "/api/v1/instances",
    auth: "user",
    tag: "Instances",
    summary: "Instances (users: their own; admins: all, filter by user)",
    query: ZInstanceQuery,
    response: ZPage(ZInstance),
  }),
  createInstance: endpoint({
    method: "POST",
    path: "/api/v1/instances",
    audit: "instance.create",
    auth: "user",
    tag: "Instances",
    summary: "Launch an instance: places it now (409 NO_CAPACITY naming what is missing) and creates the container in the background",
    body: ZCreateInstanceRequest,
    response: ZInstance,
    status: 202,
    errors: ["NOT_FOUND", "NO_CAPACITY"],
  }),
  getInstance: endpoint({
    method: "GET",
    path: "/api/v1/instances/{id}",
    auth: "user",
    tag: "Instances",
    summary: "One instance",
    params: ZIdParams,
    response: ZInstance,
    errors: ["NOT_FOUND"],
  }),
  updateInstance: endpoint({
    method: "PATCH",
    path: "/api/v1/instances/{id}",
    audit: "instance.update",
    auth: "user",
    tag: "Instances",
    summary: "Rename an instance or change its remark",
    params: ZIdParams,
    body: ZUpdateInstanceRequest,
    response: ZInstance,
    errors: ["NOT_FOUND"],
  }),
  deleteInstance: endpoint({
    method: "DELETE",
    path: "/api/v1/instances/{id}",
    audit: "instance.delete",
    auth: "user",
    tag: "Instances",
    summary: "Delete an instance: its container and data volume go, its allocation is freed (idempotent)",
    params: ZIdParams,
    status: 204,
    errors: [...CONTROL_ERRORS],
  }),
  startInstance: endpoint({
    method: "POST",
    path: "/api/v1/instances/{id}/start",
    audit: "instance.start",
    auth: "user",
    tag: "Instances",
    summary: "Start a stopped instance (409 NO_CAPACITY when its GPUs are taken; then withoutGpu: true starts it without)",
    params: ZIdParams,
    body: ZStartInstanceRequest,
    response: ZInstance,
    errors: [...CONTROL_ERRORS, "NO_CAPACITY"],
  }),
  stopInstance: endpoint({
    method: "POST",
    path: "/api/v1/instances/{id}/stop",
    audit: "instance.stop",
    auth: "user",
    tag: "Instances",
    summary: "Stop an instance (its GPUs, CPU and memory are released; data is kept)",
    params: ZIdParams,
    response: ZInstance,
    errors: [...CONTROL_ERRORS],
  }),
  restartInstance: endpoint({
    method: "POST",
    path: "/api/v1/instances/{id}/restart",
    audit: "instance.restart",
    auth: "user",
    tag: "Instances",
    summary: "Restart an instance",
    params: ZIdParams,
    response: ZInstance,
    errors: [...CONTROL_ERRORS, "NO_CAPACITY"],
  }),
  instanceLogs: endpoint({
    method: "GET",
    path: "/api/v1/instances/{id}/logs",
    auth: "user",
    tag: "Instances",
    summary: "The last lines of the container's output",
    params: ZIdParams,
    query: ZLogsQuery,
    response: ZLogs,
    errors: [...CONTROL_ERRORS],
  }),
  downloadInstanceLogs: endpoint({
    method: "GET",
    path: "/api/v1/instances/{id}/logs/download",
    auth: "user",
    tag: "Instances",
    summary: "The whole container log as a text file",
    params: ZIdParams,
    query: ZLogsQuery.pick({ timestamps: true }),
    produces: "text/plain",
    errors: [...CONTROL_ERRORS],
  }),
  instanceStats: endpoint({
    method: "GET",
    path: "/api/v1/instances/{id}/stats",
    auth: "user",
    tag: "Instances",
    summary: "CPU, memory, network, block IO and pids of the running container",
    params: ZIdParams,
    response: ZInstanceStats,
    errors: [...CONTROL_ERRORS],
  }),
};
