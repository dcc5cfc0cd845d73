import { z } from "zod";
import { hasControlCharacters } from "../validation";
import { ZId, ZIdParams, ZMessageRef, ZNullableTimestamp, ZPage, ZPageQuery, ZTimestamp } from "./common";
import { endpoint } from "./endpoint";

// Slurm clusters, reached only through slurmrestd. Admins register them (URL, credentials,
// user names, login node, partition prices); everyone may read a cluster's status, nodes and
// partitions (to choose where to submit); jobs on a cluster are jobs with the `slurm`
// executor (see jobs.ts). Secrets (token, key, login key) are write-only.

export const CLUSTER_STATUSES = ["healthy", "degraded", "unreachable", "unknown"] as const;
export const ZClusterStatus = z.enum(CLUSTER_STATUSES);
export type TClusterStatus = z.infer<typeof ZClusterStatus>;

export const CLUSTER_AUTH_MODES = ["token", "key"] as const;

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const noControl = (s: z.ZodString) => s.refine((v) => !hasControlCharacters(v), { message: "must not contain control characters", abort: true });

/** A Slurm (Unix) user name. */
export const ZSlurmUser = z
  .string()
  .trim()
  .regex(/^[a-z_][a-z0-9_.-]{0,31}$/, "must be a Unix user name (a-z 0-9 _ . -, starting with a letter or _, at most 32)");

/** A partition name as Slurm allows it. */
export const ZPartitionName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be a partition name (A-Z a-z 0-9 _ . -, at most 64)");

/** http(s)://host:port of slurmrestd, or the absolute path of its unix socket. */
export const ZClusterUrl = noControl(z.string().max(512, "must be at most 512 characters"))
  .trim()
  .refine((v) => v !== "", "is required")
  .refine((v) => {
    if (v.startsWith("/")) return /^\/[^\s]+$/.test(v) && !v.split("/").includes("..");
    try {
      const u = new URL(v);
      return (u.protocol === "http:" || u.protocol === "https:") && !!u.hostname && !u.username && !u.password && !u.search && !u.hash;
    } catch {
      return false;
    }
  }, "must be http(s)://host:port or the absolute path of slurmrestd's unix socket");

export const ZPartitionPrice = z
  .object({
    partition: ZPartitionName,
    cpuHourCents: z.number().int("must be a whole number of cents").min(0, "must not be negative").max(1_000_000, "must be at most 1000000"),
    gpuHourCents: z.number().int("must be a whole number of cents").min(0, "must not be negative").max(10_000_000, "must be at most 10000000"),
  })
  .strict();
export type TPartitionPrice = z.infer<typeof ZPartitionPrice>;

const secret = z.string().max(20_000, "must be at most 20000 characters").min(1, "must not be empty");

const clusterFields = {
  name: noControl(text(64)).refine((v) => v !== "", "is required"),
  url: ZClusterUrl,
  authMode: z.enum(CLUSTER_AUTH_MODES),
  /** token: the JWT; key: the HS256 key file's bytes in base64 (`base64 -w0 jwt_hs256.key`). */
  authSecret: secret,
  serviceUser: ZSlurmUser,
  caCert: z
    .string()
    .trim()
    .max(20_000)
    .refine((v) => v.includes("-----BEGIN CERTIFICATE"), "must be a PEM certificate")
    .nullable()
    .optional(),
  loginHost: noControl(text(253))
    .refine((v) => /^[A-Za-z0-9.:[\]-]+$/.test(v), "must be a host name or IP address")
    .nullable()
    .optional(),
  loginPort: z.number().int().min(1, "must be 1-65535").max(65535, "must be 1-65535"),
  loginUser: ZSlurmUser.nullable().optional(),
  loginPrivateKey: secret
    .refine((v) => v.includes("PRIVATE KEY"), "must be a private key (OpenSSH or PEM)")
    .nullable()
    .optional(),
  prices: z
    .array(ZPartitionPrice)
    .max(100, "must be at most 100 partitions")
    .refine((l) => new Set(l.map((p) => p.partition)).size === l.length, "must name each partition once"),
};

export const ZCreateClusterRequest = z
  .object({ ...clusterFields, loginPort: clusterFields.loginPort.default(22), prices: clusterFields.prices.default([]) })
  .strict();
export type TCreateClusterRequest = z.infer<typeof ZCreateClusterRequest>;

/** A change: what is left out stays; a secret left out is kept. */
export const ZUpdateClusterRequest = z
  .object({ ...clusterFields })
  .partial()
  .strict();
export type TUpdateClusterRequest = z.infer<typeof ZUpdateClusterRequest>;

export const ZClusterCheck = z.object({
  key: z.enum(["reach", "version", "auth", "partitions", "login"]),
  /** null: skipped (not configured, or an earlier check failed). */
  ok: z.boolean().nullable(),
  message: z.string(),
});
export type TClusterCheck = z.infer<typeof ZClusterCheck>;

export const ZClusterTest = z.object({
  testedAt: ZTimestamp,
  ok: z.boolean(),
  release: z.string().nullable(),
  apiVersion: z.string().nullable(),
  partitions: z.array(z.string()),
  checks: z.array(ZClusterCheck),
  /** The login node's SSH host key as presented (SHA256:...), to re-trust after a change. */
  presentedHostKey: z.string().nullable(),
});
export type TClusterTest = z.infer<typeof ZClusterTest>;

/** How the console reaches a cluster: administrators only (null for others). */
export const ZClusterConnection = z.object({
  url: z.string(),
  authMode: z.enum(CLUSTER_AUTH_MODES),
  serviceUser: z.string(),
  hasCaCert: z.boolean(),
  loginHost: z.string().nullable(),
  loginPort: z.number().int(),
  loginUser: z.string().nullable(),
  hasLoginKey: z.boolean(),
  loginHostKey: z.string().nullable(),
});

export const ZCluster = z.object({
  id: z.string(),
  name: z.string(),
  status: ZClusterStatus,
  statusMessage: z.string().nullable(),
  /** statusMessage as a dictionary key and parameters, to show it in the reader's language (null: show statusMessage). */
  statusRef: ZMessageRef.nullable(),
  release: z.string().nullable(),
  apiVersion: z.string().nullable(),
  lastCheckedAt: ZNullableTimestamp,
  lastSeenAt: ZNullableTimestamp,
  /** Whether job output can be read through a login node. */
  hasLoginNode: z.boolean(),
  /** The last connection test (administrators only; null for others and before the first). */
  lastTest: ZClusterTest.nullable(),
  prices: z.array(ZPartitionPrice),
  connection: ZClusterConnection.nullable(),
  createdAt: ZTimestamp,
  updatedAt: ZTimestamp,
});
export type TCluster = z.infer<typeof ZCluster>;

export const ZClusterOverview = z.object({
  status: ZClusterStatus,
  message: z.string().nullable(),
  /** message as a dictionary key and parameters (null: show message). */
  messageRef: ZMessageRef.nullable(),
  checkedAt: ZNullableTimestamp,
  /** Since when it has been healthy (null when it is not). */
  healthySince: ZNullableTimestamp,
  release: z.string().nullable(),
  apiVersion: z.string().nullable(),
  nodes: z.object({ total: z.number().int(), byState: z.record(z.string(), z.number().int()) }),
  cpus: z.object({ allocated: z.number().int(), total: z.number().int() }),
  gpus: z.object({ allocated: z.number().int(), total: z.number().int() }),
  memoryMb: z.object({ allocated: z.number().int(), total: z.number().int() }),
  jobs: z.object({ pending: z.number().int(), running: z.number().int() }),
  /** When the figures were read from slurmrestd (they are cached briefly). */
  readAt: ZNullableTimestamp,
});
export type TClusterOverview = z.infer<typeof ZClusterOverview>;

export const ZSlurmNode = z.object({
  name: z.string(),
  state: z.string(),
  stateFlags: z.array(z.string()),
  reason: z.string().nullable(),
  cpus: z.object({ allocated: z.number().int(), total: z.number().int() }),
  memoryMb: z.object({ allocated: z.number().int(), total: z.number().int(), free: z.number().int().nullable() }),
  gpus: z.object({ allocated: z.number().int(), total: z.number().int() }),
  gres: z.string(),
  partitions: z.array(z.string()),
  /** Slurm job ids running on it (administrators; empty for others), and how many. */
  jobs: z.array(z.number().int()),
  jobCount: z.number().int(),
});
export type TSlurmNode = z.infer<typeof ZSlurmNode>;

export const ZSlurmPartition = z.object({
  name: z.string(),
  state: z.string(),
  isDefault: z.boolean(),
  nodes: z.string(),
  totalNodes: z.number().int(),
  totalCpus: z.number().int(),
  maxTimeMinutes: z.number().int().nullable(),
  price: ZPartitionPrice.omit({ partition: true }).nullable(),
});
export type TSlurmPartition = z.infer<typeof ZSlurmPartition>;

export const ZSlurmJob = z.object({
  jobId: z.number().int(),
  name: z.string(),
  user: z.string().nullable(),
  partition: z.string().nullable(),
  state: z.string(),
  stateFlags: z.array(z.string()),
  reason: z.string().nullable(),
  nodes: z.string().nullable(),
  cpus: z.number().int().nullable(),
  gpus: z.number().int(),
  timeLimitMinutes: z.number().int().nullable(),
  submittedAt: ZNullableTimestamp,
  startedAt: ZNullableTimestamp,
  endedAt: ZNullableTimestamp,
  exitCode: z.number().int().nullable(),
  /** The console run that submitted it (null: submitted outside the console). */
  runId: z.string().nullable(),
});
export type TSlurmJob = z.infer<typeof ZSlurmJob>;

export const ZClusterJobsQuery = ZPageQuery.extend({
  state: z.string().trim().max(32).optional(),
  user: z.string().trim().max(64).optional(),
});

export const ZClusterUserMap = z.object({ userId: z.string(), username: z.string(), slurmUser: z.string() });
export type TClusterUserMap = z.infer<typeof ZClusterUserMap>;
export const ZClusterUserParams = z.object({ id: ZId, userId: ZId });
export const ZSetClusterUserRequest = z.object({ slurmUser: ZSlurmUser }).strict();

export const ZClusterStatusEvent = z.object({ id: z.string(), status: z.string(), message: z.string().nullable(), createdAt: ZTimestamp });

export const ZTrustClusterHostKeyRequest = z.object({ hostKey: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, "must be a SHA256:... fingerprint") }).strict();

/** Registering a cluster carries keys and a certificate. */
const CLUSTER_MAX_BODY_BYTES = 256 * 1024;

export const clustersEndpoints = {
  listClusters: endpoint({
    method: "GET",
    path: "/api/v1/clusters",
    auth: "user",
    tag: "Clusters",
    summary: "Slurm clusters (connection details for administrators only)",
    query: ZPageQuery,
    response: ZPage(ZCluster),
  }),
  createCluster: endpoint({
    method: "POST",
    path: "/api/v1/clusters",
    audit: "cluster.create",
    auth: "admin",
    tag: "Clusters",
    summary: "Register a Slurm cluster (its slurmrestd); checked at once",
    body: ZCreateClusterRequest,
    maxBodyBytes: CLUSTER_MAX_BODY_BYTES,
    response: ZCluster,
    status: 201,
    errors: ["CONFLICT"],
  }),
  getCluster: endpoint({
    method: "GET",
    path: "/api/v1/clusters/{id}",
    auth: "user",
    tag: "Clusters",
    summary: "One cluster",
    params: ZIdParams,
    response: ZCluster,
    errors: ["NOT_FOUND"],
  }),
  updateCluster: endpoint({
    method: "PATCH",
    path: "/api/v1/clusters/{id}",
    audit: "cluster.update",
    auth: "admin",
    tag: "Clusters",
    summary: "Change a cluster (secrets left out are kept)",
    params: ZIdParams,
    body: ZUpdateClusterRequest,
    maxBodyBytes: CLUSTER_MAX_BODY_BYTES,
    response: ZCluster,
    errors: ["NOT_FOUND", "CONFLICT"],
  }),
  deleteCluster: endpoint({
    method: "DELETE",
    path: "/api/v1/clusters/{id}",
    audit: "cluster.delete",
    auth: "admin",
    tag: "Clusters",
    summary: "Remove a cluster (409 while jobs use it)",
    params: ZIdParams,
    status: 204,
    errors: ["NOT_FOUND", "CONFLICT"],
  }),
  testCluster: endpoint({
    method: "POST",
    path: "/api/v1/clusters/{id}/test",
    audit: "cluster.test",
    auth: "admin",
    tag: "Clusters",
    summary: "Test the connection: reachability, Slurm release, API version, authentication, partitions, login node",
    params: ZIdParams,
    response: ZClusterTest,
    errors: ["NOT_FOUND"],
  }),
  trustClusterHostKey: endpoint({
    method: "POST",
    path: "/api/v1/clusters/{id}/ssh-host-key",
    audit: "cluster.trust_host_key",
    auth: "admin",
    tag: "Clusters",
    summary: "Trust the SSH host key the login node now presents (after a legitimate change)",
    params: ZIdParams,
    body: ZTrustClusterHostKeyRequest,
    response: ZCluster,
    errors: ["NOT_FOUND"],
  }),
  clusterEvents: endpoint({
    method: "GET",
    path: "/api/v1/clusters/{id}/events",
    auth: "admin",
    tag: "Clusters",
    summary: "The cluster's status history, newest first",
    params: ZIdParams,
    query: ZPageQuery,
    response: ZPage(ZClusterStatusEvent),
    errors: ["NOT_FOUND"],
  }),
  clusterOverview: endpoint({
    method: "GET",
    path: "/api/v1/clusters/{id}/status",
    auth: "user",
    tag: "Clusters",
    summary: "Health, node counts by state, CPUs/GPUs allocated of total, pending and running jobs",
    params: ZIdParams,
    response: ZClusterOverview,
    errors: ["NOT_FOUND"],
  }),
  clusterNodes: endpoint({
    method: "GET",
    path: "/api/v1/clusters/{id}/nodes",
    auth: "user",
    tag: "Clusters",
    summary: "The cluster's nodes: state, CPUs, memory, GPUs, jobs on each",
    params: ZIdParams,
    response: z.object({ items: z.array(ZSlurmNode), readAt: ZNullableTimestamp }),
    errors: ["NOT_FOUND", "CLUSTER_UNREACHABLE", "CLUSTER_AUTH_FAILED", "CLUSTER_ERROR"],
  }),
  clusterPartitions: endpoint({
    method: "GET",
    path: "/api/v1/clusters/{id}/partitions",
    auth: "user",
    tag: "Clusters",
    summary: "The cluster's partitions, with their prices",
    params: ZIdParams,
    response: z.object({ items: z.array(ZSlurmPartition), readAt: ZNullableTimestamp }),
    errors: ["NOT_FOUND", "CLUSTER_UNREACHABLE", "CLUSTER_AUTH_FAILED", "CLUSTER_ERROR"],
  }),
  clusterJobs: endpoint({
    method: "GET",
    path: "/api/v1/clusters/{id}/jobs",
    auth: "admin",
    tag: "Clusters",
    summary: "Every job in the cluster's queue (console users see their own through /runs)",
    params: ZIdParams,
    query: ZClusterJobsQuery,
    response: ZPage(ZSlurmJob).extend({ readAt: ZNullableTimestamp }),
    errors: ["NOT_FOUND", "CLUSTER_UNREACHABLE", "CLUSTER_AUTH_FAILED", "CLUSTER_ERROR"],
  }),
  clusterUsers: endpoint({
    method: "GET",
    path: "/api/v1/clusters/{id}/users",
    auth: "admin",
    tag: "Clusters",
    summary: "Console users whose Slurm user name differs from their username",
    params: ZIdParams,
    query: ZPageQuery,
    response: ZPage(ZClusterUserMap),
    errors: ["NOT_FOUND"],
  }),
  setClusterUser: endpoint({
    method: "PUT",
    path: "/api/v1/clusters/{id}/users/{userId}",
    audit: "cluster.user_map",
    auth: "admin",
    tag: "Clusters",
    summary: "Set a console user's Slurm user name on the cluster",
    params: ZClusterUserParams,
    body: ZSetClusterUserRequest,
    response: ZClusterUserMap,
    errors: ["NOT_FOUND"],
  }),
  removeClusterUser: endpoint({
    method: "DELETE",
    path: "/api/v1/clusters/{id}/users/{userId}",
    audit: "cluster.user_unmap",
    auth: "admin",
    tag: "Clusters",
    summary: "Go back to the default (the Slurm user name is the console username)",
    params: ZClusterUserParams,
    response: z.object({ deleted: z.boolean() }),
    errors: ["NOT_FOUND"],
  }),
};
