import "server-only";
import type Docker from "dockerode";
import { DATA_MOUNT_PATH } from "@/lib/contracts/instances";

// The Docker container of an instance, built here from an allowlist and nothing else: no
// user-supplied JSON reaches Docker. Pure, so every field is unit-tested.

export const LABELS = {
  managed: "io.ai-infra-console.managed",
  instance: "io.ai-infra-console.instance",
  user: "io.ai-infra-console.user",
  /** Host GPU indexes the container was created with ("" for none). */
  gpus: "io.ai-infra-console.gpus",
} as const;

/** Where the HAMi-core library is mounted inside containers that share GPUs by memory. */
export const HAMI_MOUNT_DIR = "/usr/local/vgpu";
export const HAMI_LIBRARY = `${HAMI_MOUNT_DIR}/libvgpu.so`;

export type ContainerInput = {
  instance: { id: string; name: string; userId: string; imageAddress: string; cpuCores: number; memoryGb: number; memorySplit: boolean };
  node: { hamiCorePath: string | null; gpuMemoryGb: number };
  /** Host GPU indexes held, with the GB of each (memory split); empty without GPUs. */
  gpus: { index: number; memoryGb: number }[];
  pidsLimit: number;
};

export const containerName = (instanceId: string) => `aic-${instanceId}`;
export const volumeName = (instanceId: string) => `aic-${instanceId}-data`;
export const gpuLabel = (gpus: { index: number }[]) => gpus.map((g) => g.index).join(",");

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

/** The HAMi-core library on the node: a directory holding libvgpu.so, or the file itself. */
function hamiBind(hamiCorePath: string): string {
  return hamiCorePath.endsWith(".so") ? `${hamiCorePath}:${HAMI_LIBRARY}:ro` : `${hamiCorePath.replace(/\/+$/, "")}:${HAMI_MOUNT_DIR}:ro`;
}

export function buildContainerSpec({ instance, node, gpus, pidsLimit }: ContainerInput): Docker.ContainerCreateOptions {
  const memoryBytes = instance.memoryGb * 2 ** 30;
  const split = instance.memorySplit && gpus.length > 0;
  if (split && !node.hamiCorePath) throw new Error("memory split needs the node's HAMi-core path");
  // Without GPUs, none at all: on hosts whose default runtime is nvidia, images such as
  // nvidia/cuda set NVIDIA_VISIBLE_DEVICES=all and would otherwise see every GPU.
  const env: string[] = gpus.length ? [] : ["NVIDIA_VISIBLE_DEVICES=void"];
  const binds: string[] = [];
  if (split) {
    binds.push(hamiBind(node.hamiCorePath!));
    env.push(`LD_PRELOAD=${HAMI_LIBRARY}`);
    // Inside the container the GPUs are numbered from 0 in the order of DeviceIDs.
    for (const [i, g] of gpus.entries()) env.push(`CUDA_DEVICE_MEMORY_LIMIT_${i}=${g.memoryGb * 1024}m`);
    // Compute in proportion to the memory share.
    const share = node.gpuMemoryGb > 0 ? Math.round((100 * Math.max(...gpus.map((g) => g.memoryGb))) / node.gpuMemoryGb) : 100;
    env.push(`CUDA_DEVICE_SM_LIMIT=${Math.min(100, Math.max(1, share))}`);
  }
  return {
    name: containerName(instance.id),
    Image: instance.imageAddress,
    Hostname: hostnameOf(instance.name),
    Labels: {
      [LABELS.managed]: "true",
      [LABELS.instance]: instance.id,
      [LABELS.user]: instance.userId,
      [LABELS.gpus]: gpuLabel(gpus),
    },
    Env: env,
    // A terminal and open stdin keep shell-CMD images (ubuntu, cuda ...) running, as `docker run -dit`.
    Tty: true,
    OpenStdin: true,
    HostConfig: {
      NanoCpus: instance.cpuCores * 1e9,
      Memory: memoryBytes,
      MemorySwap: memoryBytes,
      PidsLimit: pidsLimit,
      // /dev/shm for data loaders; it counts against the memory limit.
      ShmSize: Math.min(16 * 2 ** 30, Math.max(64 * 2 ** 20, Math.floor(memoryBytes / 4))),
      Privileged: false,
      CapAdd: [],
      SecurityOpt: ["no-new-privileges:true"],
      NetworkMode: "bridge",
      IpcMode: "private",
      Binds: binds,
      Mounts: [{ Type: "volume", Source: volumeName(instance.id), Target: DATA_MOUNT_PATH }],
      DeviceRequests: gpus.length ? [{ Driver: "nvidia", DeviceIDs: gpus.map((g) => String(g.index)), Capabilities: [["gpu"]] }] : [],
      RestartPolicy: { Name: "no" },
      LogConfig: { Type: "json-file", Config: { "max-size": "50m", "max-file": "3" } },
    },
  };
}
