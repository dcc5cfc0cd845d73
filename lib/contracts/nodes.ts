import { z } from "zod";
import { hamiCorePathProblem, hasControlCharacters, isIpAddress, isLoopbackHost, parseDockerAddress } from "../validation";
import { ZIdParams, ZMessageRef, ZNullableTimestamp, ZPage, ZPageQuery, ZQueryBool, ZTimestamp } from "./common";
import { endpoint } from "./endpoint";
import { ZFreeCapacity } from "./specs";

// Compute nodes: Docker hosts (unix socket, or TCP with TLS client certificates), reached
// over SSH for GPU facts. Secrets are write-only: requests may set them (a string) or clear
// them (null); responses only say whether each is set. Admin only.

export const NODE_STATUSES = ["online", "offline", "unknown"] as const;
export const ZNodeStatus = z.enum(NODE_STATUSES);
export type TNodeStatus = z.infer<typeof ZNodeStatus>;

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const optional = <T extends z.ZodType>(s: T) => s.nullable().optional();
const whole = (max: number) => z.number().int("must be a whole number").min(0, "must not be negative").max(max, `must be at most ${max}`);
const pem = (kind: string) =>
  z
    .string()
    .trim()
    .max(20_000)
    .refine((v) => v.includes(`-----BEGIN`) && v.includes(kind), `must be a PEM ${kind.toLowerCase()}`);
const secret = z.string().max(20_000).min(1, "must not be empty");

export const ZDockerAddress = z
  .string()
  .max(512, { message: "must be at most 512 characters", abort: true })
  .refine((v) => !hasControlCharacters(v), { message: "must not contain control characters", abort: true })
  .trim()
  .refine((v) => !/\s/.test(v), { message: "must not contain spaces", abort: true })
  .refine((v) => parseDockerAddress(v) !== null, "must be unix:///path/to/docker.sock or tcp://host:port");

/** A node label that jobs can ask for. */
export const ZNodeTag = z.string().regex(/^[a-z0-9][a-z0-9_.=-]{0,62}$/, "must be a tag (a-z 0-9 _ . = -, at most 63)");

const nodeFields = {
  name: text(64).min(1, "is required"),
  region: optional(text(64)),
  cpuModel: optional(text(128)),
  cpuCores: whole(4096),
  memoryGb: whole(1_048_576),
  systemDiskGb: whole(1_048_576),
  dataDiskGb: whole(1_048_576),
  publicIp: optional(z.string().trim().refine(isIpAddress, "must be an IP address")),
  privateIp: optional(z.string().trim().refine(isIpAddress, "must be an IP address")),
  sshPort: z.number().int().min(1, "must be 1-65535").max(65535, "must be 1-65535"),
  sshUsername: optional(text(64).min(1)),
  sshPassword: optional(secret),
  sshPrivateKey: optional(secret.refine((v) => v.includes("PRIVATE KEY"), "must be a private key (OpenSSH or PEM)")),
  gpuName: optional(text(100)),
  gpuCount: whole(64),
  gpuMemoryGb: whole(1024),
  hamiCorePath: optional(
    z
      .string()
      .max(512, "must be at most 512 characters")
      .refine((v) => !hasControlCharacters(v), { message: "must not contain control characters", abort: true })
      .trim()
      .superRefine((v, ctx) => {
        const problem = hamiCorePathProblem(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
  ),
  dockerAddress: ZDockerAddress,
  useTls: z.boolean(),
  caCert: optional(pem("CERTIFICATE")),
  clientCert: optional(pem("CERTIFICATE")),
  clientKey: optional(secret.refine((v) => v.includes("PRIVATE KEY"), "must be a PEM private key")),
  isListed: z.boolean(),
  /** Jobs: at most this many runs at once (0: only its capacity limits them). */
  maxJobs: whole(1000),
  tags: z.array(ZNodeTag).max(20, "must be at most 20 tags"),
};

export type NodeShape = {
  dockerAddress?: string;
  useTls?: boolean;
  caCert?: string | null;
  clientCert?: string | null;
  hasClientKey?: boolean;
  gpuCount?: number;
  gpuName?: string | null;
  sshUsername?: string | null;
  hasSshCredential?: boolean;
};

/** Cross-field rules, for create and for an update merged with the stored node. */
export function nodeIssues(n: NodeShape): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const address = n.dockerAddress ? parseDockerAddress(n.dockerAddress) : null;
  if (address?.kind === "tcp" && !n.useTls && !isLoopbackHost(address.host)) {
    issues.push({ path: "dockerAddress", message: "tcp:// without TLS is only allowed on loopback; turn on useTls with client certificates" });
  }
  if (n.useTls) {
    if (address?.kind !== "tcp") issues.push({ path: "useTls", message: "TLS applies to tcp:// addresses only" });
    if (!n.caCert) issues.push({ path: "caCert", message: "is required with useTls" });
    if (!n.clientCert) issues.push({ path: "clientCert", message: "is required with useTls" });
    if (!n.hasClientKey) issues.push({ path: "clientKey", message: "is required with useTls" });
  }
  if ((n.gpuCount ?? 0) > 0 && !n.gpuName) issues.push({ path: "gpuName", message: "is required when gpuCount > 0" });
  if (n.hasSshCredential && !n.sshUsername) issues.push({ path: "sshUsername", message: "is required with an SSH password or key" });
  return issues;
}

export const ZCreateNodeRequest = z
  .object({
    ...nodeFields,
    cpuCores: nodeFields.cpuCores.default(0),
    memoryGb: nodeFields.memoryGb.default(0),
    systemDiskGb: nodeFields.systemDiskGb.default(0),
    dataDiskGb: nodeFields.dataDiskGb.default(0),
    sshPort: nodeFields.sshPort.default(22),
    gpuCount: nodeFields.gpuCount.default(0),
    gpuMemoryGb: nodeFields.gpuMemoryGb.default(0),
    useTls: nodeFields.useTls.default(false),
    isListed: nodeFields.isListed.default(true),
    maxJobs: nodeFields.maxJobs.default(0),
    tags: nodeFields.tags.default([]),
  })
  .strict()
  .superRefine((n, ctx) => {
    for (const i of nodeIssues({ ...n, hasClientKey: !!n.clientKey, hasSshCredential: !!(n.sshPassword || n.sshPrivateKey) })) {
      ctx.addIssue({ code: "custom", path: [i.path], message: i.message });
    }
  });
export type TCreateNodeRequest = z.infer<typeof ZCreateNodeRequest>;

export const ZUpdateNodeRequest = z
  .object(
    Object.fromEntries(Object.entries(nodeFields).map(([k, v]) => [k, v.optional()])) as {
      [K in keyof typeof nodeFields]: z.ZodOptional<(typeof nodeFields)[K]>;
    },
  )
  .strict();
export type TUpdateNodeRequest = z.infer<typeof ZUpdateNodeRequest>;

export const CHECK_KEYS = ["docker", "ssh", "ssh_host_key", "nvidia_smi", "gpu_runtime", "hami_core"] as const;

export const ZNodeCheck = z.object({
  key: z.enum(CHECK_KEYS),
  /** null: skipped (not configured, or an earlier check failed). */
  ok: z.boolean().nullable(),
  message: z.string(),
  /** `message` as a dictionary key and parameters (absent on tests stored before there were references). */
  ref: ZMessageRef.optional(),
});
export type TNodeCheck = z.infer<typeof ZNodeCheck>;

export const ZDetectedGpu = z.object({ index: z.number().int(), name: z.string(), memoryGb: z.number().int(), uuid: z.string().nullable() });

export const ZNodeFacts = z.object({
  dockerVersion: z.string().nullable(),
  os: z.string().nullable(),
  cpuCores: z.number().int().nullable(),
  memoryGb: z.number().int().nullable(),
  gpus: z.array(ZDetectedGpu).nullable(),
});
export type TNodeFacts = z.infer<typeof ZNodeFacts>;

export const ZNodeTest = z.object({
  testedAt: ZTimestamp,
  online: z.boolean(),
  checks: z.array(ZNodeCheck),
  detected: ZNodeFacts,
  /** The host key the node presented (SHA256:...), to re-trust after a change. */
  presentedHostKey: z.string().nullable(),
});
export type TNodeTest = z.infer<typeof ZNodeTest>;

export const ZUnmanagedContainer = z.object({ containerId: z.string(), name: z.string(), state: z.string(), instanceId: z.string().nullable() });
export type TUnmanagedContainer = z.infer<typeof ZUnmanagedContainer>;

export const ZNode = z.object({
  id: z.string(),
  name: z.string(),
  region: z.string().nullable(),
  cpuModel: z.string().nullable(),
  cpuCores: z.number().int(),
  memoryGb: z.number().int(),
  systemDiskGb: z.number().int(),
  dataDiskGb: z.number().int(),
  publicIp: z.string().nullable(),
  privateIp: z.string().nullable(),
  sshPort: z.number().int(),
  sshUsername: z.string().nullable(),
  hasSshPassword: z.boolean(),
  hasSshPrivateKey: z.boolean(),
  sshHostKey: z.string().nullable(),
  gpuName: z.string().nullable(),
  gpuCount: z.number().int(),
  gpuMemoryGb: z.number().int(),
  hamiCorePath: z.string().nullable(),
  dockerAddress: z.string(),
  useTls: z.boolean(),
  caCert: z.string().nullable(),
  clientCert: z.string().nullable(),
  hasClientKey: z.boolean(),
  isListed: z.boolean(),
  maxJobs: z.number().int(),
  tags: z.array(z.string()),
  status: ZNodeStatus,
  statusMessage: z.string().nullable(),
  /** statusMessage as a dictionary key and parameters, to show it in the reader's language (null: show statusMessage). */
  statusRef: ZMessageRef.nullable(),
  lastSeenAt: ZNullableTimestamp,
  lastCheckedAt: ZNullableTimestamp,
  lastTest: ZNodeTest.nullable(),
  /** Containers carrying this console's labels that no live instance owns (reported, never removed). */
  unmanagedContainers: z.array(ZUnmanagedContainer),
  /** Why GPU telemetry is missing (no SSH, no nvidia-smi ...); null while it works. */
  gpuTelemetryProblem: z.string().nullable(),
  lastGpuPollAt: ZNullableTimestamp,
  free: ZFreeCapacity,
  createdAt: ZTimestamp,
  updatedAt: ZTimestamp,
});
export type TNode = z.infer<typeof ZNode>;

export const ZNodeQuery = ZPageQuery.extend({
  name: z.string().trim().max(64).optional(),
  status: ZNodeStatus.optional(),
  isListed: ZQueryBool.optional(),
});

export const ZNodeStatusEvent = z.object({ id: z.string(), status: ZNodeStatus, message: z.string().nullable(), createdAt: ZTimestamp });

export const ZTrustHostKeyRequest = z
  .object({ fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, "must be a SHA256:... fingerprint as the test reported it") })
  .strict();

export const ZLocalNodeOffer = z.object({
  available: z.boolean(),
  dockerAddress: z.string(),
  alreadyAdded: z.boolean(),
  detected: ZNodeFacts.nullable(),
});

/** TLS certificates and key, SSH key and password: up to 20,000 characters each, JSON-escaped. */
const NODE_MAX_BODY_BYTES = 512 * 1024;

export const nodesEndpoints = {
  listNodes: endpoint({
    method: "GET",
    path: "/api/v1/nodes",
    auth: "admin",
    tag: "Nodes",
    summary: "Compute nodes with status and free capacity",
    query: ZNodeQuery,
    response: ZPage(ZNode),
  }),
  createNode: endpoint({
    method: "POST",
    path: "/api/v1/nodes",
    audit: "node.create",
    auth: "admin",
    tag: "Nodes",
    summary: "Add a node (secrets are encrypted at rest and never answered)",
    body: ZCreateNodeRequest,
    maxBodyBytes: NODE_MAX_BODY_BYTES,
    response: ZNode,
    status: 201,
    errors: ["CONFLICT"],
  }),
  getNode: endpoint({
    method: "GET",
    path: "/api/v1/nodes/{id}",
    auth: "admin",
    tag: "Nodes",
    summary: "One node",
    params: ZIdParams,
    response: ZNode,
    errors: ["NOT_FOUND"],
  }),
  updateNode: endpoint({
    method: "PATCH",
    path: "/api/v1/nodes/{id}",
    audit: "node.update",
    auth: "admin",
    tag: "Nodes",
    summary: "Change a node; a secret given as null is cleared, an absent one kept",
    params: ZIdParams,
    body: ZUpdateNodeRequest,
    maxBodyBytes: NODE_MAX_BODY_BYTES,
    response: ZNode,
    errors: ["NOT_FOUND", "CONFLICT"],
  }),
  deleteNode: endpoint({
    method: "DELETE",
    path: "/api/v1/nodes/{id}",
    audit: "node.delete",
    auth: "admin",
    tag: "Nodes",
    summary: "Delete a node (409 while instances are on it)",
    params: ZIdParams,
    status: 204,
    errors: ["NOT_FOUND", "CONFLICT"],
  }),
  testNode: endpoint({
    method: "POST",
    path: "/api/v1/nodes/{id}/test",
    audit: "node.test",
    auth: "admin",
    tag: "Nodes",
    summary: "Check Docker (and TLS), SSH login and host key, nvidia-smi and HAMi-core; answers each check and the detected facts",
    params: ZIdParams,
    response: ZNodeTest,
    errors: ["NOT_FOUND"],
  }),
  trustHostKey: endpoint({
    method: "POST",
    path: "/api/v1/nodes/{id}/ssh-host-key",
    audit: "node.trust_host_key",
    auth: "admin",
    tag: "Nodes",
    summary: "Trust the SSH host key a node now presents (after a legitimate change)",
    params: ZIdParams,
    body: ZTrustHostKeyRequest,
    response: ZNode,
    errors: ["NOT_FOUND"],
  }),
  nodeEvents: endpoint({
    method: "GET",
    path: "/api/v1/nodes/{id}/events",
    auth: "admin",
    tag: "Nodes",
    summary: "The node's online/offline history, newest first",
    params: ZIdParams,
    query: ZPageQuery,
    response: ZPage(ZNodeStatusEvent),
    errors: ["NOT_FOUND"],
  }),
  localNode: endpoint({
    method: "GET",
    path: "/api/v1/nodes/local",
    auth: "admin",
    tag: "Nodes",
    summary: "Whether this machine's Docker socket exists and could be added as a node",
    response: ZLocalNodeOffer,
  }),
};
