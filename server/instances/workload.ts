import "server-only";
import path from "node:path";
import { DATA_MOUNT_PATH } from "@/lib/contracts/instances";
import type { TenantNetwork, WorkloadSpec } from "../adapters/runtime";
import { instanceApps, notebookLaunch } from "../apps/apps";

// What an instance's container is, in the runtime's neutral terms: its name, labels,
// resources, GPUs (whole or HAMi-core shares), data volume and its owner's network. Built
// here from the instance row and nothing else: no user-supplied JSON reaches the engine. The
// engine adds the security defaults (server/adapters/docker-runtime.ts). Pure.

export const LABELS = {
  managed: "io.ai-infra-console.managed",
  instance: "io.ai-infra-console.instance",
  user: "io.ai-infra-console.user",
  /** Host GPU indexes the container was created with ("" for none). */
  gpus: "io.ai-infra-console.gpus",
  /** On a job run's workload: the run. */
  jobRun: "io.ai-infra-console.job-run",
} as const;

/**
 * A job run's workload: a command run to completion with plain pipes, no data volume; files
 * (a python job's script) are written into it before it starts.
 */
export type BatchWork = {
  runId: string;
  command: string[];
  env: Record<string, string>;
  workingDir?: string;
  files?: { dir: string; files: { name: string; content: string; mode: number }[] };
};

export type WorkloadInput = {
  instance: { id: string; name: string; userId: string; imageAddress: string; apps: string; cpuCores: number; memoryGb: number; memorySplit: boolean };
  node: { hamiCorePath: string | null; gpuMemoryGb: number };
  /** Host GPU indexes held, with the GB of each (memory split); empty without GPUs. */
  gpus: { index: number; memoryGb: number }[];
  pidsLimit: number;
  /** This console's labels (managed, console id), on everything it makes. */
  consoleLabels: Record<string, string>;
  batch?: BatchWork;
};

export const containerName = (instanceId: string) => `aic-${instanceId}`;
export const volumeName = (instanceId: string) => `aic-${instanceId}-data`;
export const gpuLabel = (gpus: { index: number }[]) => gpus.map((g) => g.index).join(",");

/**
 * Each user's own network on a node: their instances reach each other (by name too), and no
 * other user's. One bridge network per user and node, with a small subnet of its own.
 */
export const tenantNetworkName = (userId: string) => `aic-net-${userId}`;

export function tenantNetwork(userId: string, consoleLabels: Record<string, string>): TenantNetwork {
  return { name: tenantNetworkName(userId), labels: { ...consoleLabels, [LABELS.user]: userId } };
}

/** A valid hostname (RFC 1123 label) from the instance's name. */
export function hostnameOf(name: string): string {
  const h = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 63)
    .replace(/-$/, "");
  return h || "instance";
}

/**
 * The HAMi-core library file on the node. The path names the file itself; a path kept from
 * before that rule (a directory) names the library inside it. Never a directory.
 */
export function hamiLibraryOf(hamiCorePath: string): string {
  const p = path.posix.normalize(hamiCorePath);
  return /\.so(\.\d+)*$/.test(p) ? p : path.posix.join(p, "libvgpu.so");
}

export function instanceWorkload({ instance, node, gpus, pidsLimit, consoleLabels, batch }: WorkloadInput): WorkloadSpec {
  const split = instance.memorySplit && gpus.length > 0;
  if (split && !node.hamiCorePath) throw new Error("memory split needs the node's HAMi-core path");
  const hostname = hostnameOf(instance.name);
  // A notebook image's instance runs JupyterLab as the console starts it (a job run, its own command).
  const notebook = !batch && instanceApps(instance.apps).some((a) => a.kind === "jupyter") ? notebookLaunch(instance.id) : null;
  return {
    name: containerName(instance.id),
    image: instance.imageAddress,
    hostname,
    env: batch?.env ?? notebook?.env ?? {},
    ...(batch ? { command: batch.command, ...(batch.workingDir ? { workingDir: batch.workingDir } : {}) } : {}),
    ...(notebook ? { command: notebook.command, workingDir: DATA_MOUNT_PATH } : {}),
    labels: {
      ...consoleLabels,
      [LABELS.managed]: "true",
      [LABELS.instance]: instance.id,
      [LABELS.user]: instance.userId,
      [LABELS.gpus]: gpuLabel(gpus),
      ...(batch ? { [LABELS.jobRun]: batch.runId } : {}),
    },
    resources: { cpuCores: instance.cpuCores, memoryBytes: instance.memoryGb * 2 ** 30, pidsLimit },
    gpus: gpus.map((g) => g.index),
    ...(split
      ? {
          gpuShares: {
            hostLibrary: hamiLibraryOf(node.hamiCorePath!),
            memoryMb: gpus.map((g) => g.memoryGb * 1024),
            // Compute in proportion to the memory share.
            smPercent: node.gpuMemoryGb > 0 ? (100 * Math.max(...gpus.map((g) => g.memoryGb))) / node.gpuMemoryGb : 100,
          },
        }
      : {}),
    volumes: batch ? [] : [{ volume: volumeName(instance.id), target: DATA_MOUNT_PATH }],
    network: { name: tenantNetworkName(instance.userId), aliases: [hostname] },
    interactive: !batch,
  };
}
