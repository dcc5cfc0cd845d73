import "server-only";
import { reasonText } from "@/lib/i18n/message-ref";
import { type Readable, Transform } from "node:stream";
import type Docker from "dockerode";
import * as containers from "./containers";
import { type DockerTarget, describeDockerError, dockerClient, ENGINE_WORDS, imagePresence, pullImage } from "./docker";
import { openShell, startProcess } from "./exec";
import { freeSubnet, type Ipv4Cidr } from "./subnets";
import {
  type FileEntry,
  type ProcessOptions,
  type PullProgress,
  type Runtime,
  RuntimeError,
  type RuntimeEvent,
  type Stats,
  type TenantNetwork,
  type WorkloadSpec,
  type WorkloadState,
} from "./runtime";

// The runtime interface on a Docker engine (dockerode). Every workload gets the same
// security defaults here, whoever asks: never privileged, no added capabilities and a few
// defaults dropped, no-new-privileges, its own IPC namespace, no host binds but the HAMi-core
// library file (read-only), limits on CPU, memory (no extra swap) and processes.

/** Where the HAMi-core library is mounted inside workloads that share GPUs by memory. */
export const HAMI_LIBRARY = "/usr/local/vgpu/libvgpu.so";

/**
 * Default capabilities that workloads do not need and that help attacks: raw sockets (ARP and
 * ICMP spoofing on the tenant network), device nodes, the kernel audit log, file capabilities.
 * What remains: CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP,
 * NET_BIND_SERVICE, SYS_CHROOT (package managers, sshd, servers on low ports).
 */
export const DROPPED_CAPABILITIES = ["NET_RAW", "MKNOD", "AUDIT_WRITE", "SETFCAP"];

/** The engine's request for a workload. Pure, so every field is unit-tested. */
export function toCreateOptions(spec: WorkloadSpec): Docker.ContainerCreateOptions {
  const { cpuCores, memoryBytes, pidsLimit } = spec.resources;
  const shares = spec.gpus.length ? spec.gpuShares : undefined;
  // Without GPUs, none at all: on hosts whose default runtime is nvidia, images such as
  // nvidia/cuda set NVIDIA_VISIBLE_DEVICES=all and would otherwise see every GPU.
  const env: Record<string, string> = { ...spec.env, ...(spec.gpus.length ? {} : { NVIDIA_VISIBLE_DEVICES: "void" }) };
  const mounts: Docker.MountSettings[] = spec.volumes.map((v) => ({ Type: "volume", Source: v.volume, Target: v.target }));
  if (shares) {
    // A bind of exactly one file, read-only: a missing file fails the start rather than
    // being created, and nothing else of the host is visible.
    mounts.push({ Type: "bind", Source: shares.hostLibrary, Target: HAMI_LIBRARY, ReadOnly: true, BindOptions: { Propagation: "rprivate" } });
    env.LD_PRELOAD = HAMI_LIBRARY;
    // Inside the workload the GPUs are numbered from 0 in the order of DeviceIDs.
    for (const [i, mb] of shares.memoryMb.entries()) env[`CUDA_DEVICE_MEMORY_LIMIT_${i}`] = `${mb}m`;
    env.CUDA_DEVICE_SM_LIMIT = String(Math.min(100, Math.max(1, Math.round(shares.smPercent))));
  }
  return {
    name: spec.name,
    Image: spec.image,
    ...(spec.hostname ? { Hostname: spec.hostname } : {}),
    ...(spec.command ? { Cmd: spec.command } : {}),
    ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
    Labels: spec.labels,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    // A terminal and open stdin keep shell-CMD images (ubuntu, cuda ...) running, as `docker run -dit`.
    Tty: spec.interactive,
    OpenStdin: spec.interactive,
    HostConfig: {
      NanoCpus: Math.round(cpuCores * 1e9),
      Memory: memoryBytes,
      MemorySwap: memoryBytes,
      PidsLimit: pidsLimit,
      // /dev/shm for data loaders; it counts against the memory limit.
      ShmSize: Math.min(16 * 2 ** 30, Math.max(64 * 2 ** 20, Math.floor(memoryBytes / 4))),
      Privileged: false,
      CapAdd: [],
      CapDrop: DROPPED_CAPABILITIES,
      SecurityOpt: ["no-new-privileges:true"],
      NetworkMode: spec.network.name,
      IpcMode: "private",
      Binds: [],
      Mounts: mounts,
      DeviceRequests: spec.gpus.length ? [{ Driver: "nvidia", DeviceIDs: spec.gpus.map(String), Capabilities: [["gpu"]] }] : [],
      RestartPolicy: { Name: "no" },
      LogConfig: { Type: "json-file", Config: { "max-size": "50m", "max-file": "3" } },
    },
    NetworkingConfig: { EndpointsConfig: { [spec.network.name]: { Aliases: spec.network.aliases } } },
  };
}

/** Errors of the transport (socket, TLS, DNS, timeout), as opposed to the engine's answers. */
function isTransportError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return (
    (typeof e?.code === "string" && /^(E[A-Z_]+|ERR_TLS\w*|ERR_SSL\w*|UNABLE_TO\w*|DEPTH_ZERO\w*|SELF_SIGNED\w*|CERT_\w*)$/.test(e.code)) ||
    /timeout|socket hang up/i.test(String(e?.message ?? ""))
  );
}

export type DockerRuntimeOptions = {
  /** Request timeout of ordinary calls (streams have none). */
  timeoutMs: number;
  /** Where tenant networks take their subnets from, and their size. */
  networkPool: Ipv4Cidr;
  networkPrefix: number;
};

type DockerNetworkInfo = { Name: string; IPAM?: { Config?: { Subnet?: string }[] | null } };

/** Network creations under way in this process, by engine and name. */
const creating = new Map<string, Promise<void>>();

export class DockerRuntime implements Runtime {
  private readonly d: Docker;
  /** Without a request timeout: exec, stats, log and event streams live long. */
  private readonly streaming: Docker;

  constructor(
    private readonly target: DockerTarget,
    private readonly opts: DockerRuntimeOptions,
  ) {
    this.d = dockerClient(target, opts.timeoutMs);
    this.streaming = dockerClient(target, 0);
  }

  /** Engine errors as RuntimeErrors; anything else (our own bugs) passes unchanged. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.translate(err);
    }
  }

  private translate(err: unknown): unknown {
    if (err instanceof RuntimeError) return err;
    const status = (err as { statusCode?: number })?.statusCode;
    if (status) return new RuntimeError("refused", containers.dockerMessage(err), status);
    if (isTransportError(err)) return new RuntimeError("unreachable", reasonText(describeDockerError(err, this.target, ENGINE_WORDS)));
    return err;
  }

  imagePresent(reference: string): Promise<boolean> {
    return this.call(async () => (await imagePresence(this.d, reference)).present);
  }

  pullImage(reference: string, onProgress: (p: PullProgress) => void = () => undefined): Promise<void> {
    // A pull's failure is reported in its progress stream, without a status code.
    return this.call(() => pullImage(this.streaming, reference, onProgress)).catch((err: unknown) => {
      throw err instanceof RuntimeError ? err : new RuntimeError("refused", containers.dockerMessage(err));
    });
  }

  ensureNetwork(net: TenantNetwork): Promise<void> {
    // One creation at a time per network in this process; other processes are handled below.
    const key = `${this.target.dockerAddress}|${net.name}`;
    const running = creating.get(key) ?? this.createNetwork(net).finally(() => creating.delete(key));
    creating.set(key, running);
    return running;
  }

  private async createNetwork(net: TenantNetwork): Promise<void> {
    if ((await this.networksNamed(net.name)).length) return;
    // Subnets are chosen here from a pool of our own, never from the engine's default address
    // pools (about 30 networks per host): hundreds of tenants fit on one node.
    for (let attempt = 0; attempt < 8; attempt++) {
      const taken = await this.call(async () => {
        const nets = (await this.d.listNetworks()) as DockerNetworkInfo[];
        return nets.flatMap((n) => (n.IPAM?.Config ?? []).flatMap((c) => (c.Subnet ? [c.Subnet] : [])));
      });
      const subnet = freeSubnet(this.opts.networkPool, this.opts.networkPrefix, taken, attempt);
      if (!subnet) throw new RuntimeError("refused", `No free tenant subnet left in ${this.opts.networkPool.cidr} (/${this.opts.networkPrefix} each)`);
      let id: string;
      try {
        const made = await this.d.createNetwork({
          Name: net.name,
          Driver: "bridge",
          CheckDuplicate: true,
          Labels: net.labels,
          IPAM: { Driver: "default", Config: [{ Subnet: subnet }] },
          // Workloads of the network reach each other; Docker isolates bridge networks from
          // one another (its DOCKER-ISOLATION chains).
          Options: { "com.docker.network.bridge.enable_icc": "true" },
        });
        id = made.id;
      } catch (err) {
        // Made meanwhile by another process: done.
        if ((err as { statusCode?: number }).statusCode === 409 || (await this.networksNamed(net.name)).length) return;
        // Another network took the subnet meanwhile: try the next one.
        if (/overlap/i.test(containers.dockerMessage(err))) continue;
        throw this.translate(err);
      }
      // Docker's duplicate check is not atomic: when two processes made one each, the
      // lowest id wins and the other is removed (nothing is attached to it yet).
      const same = (await this.networksNamed(net.name)).sort();
      if (same.length > 1 && same[0] !== id) await this.call(() => this.d.getNetwork(id).remove());
      return;
    }
    throw new RuntimeError("refused", `Could not find a free subnet for network ${net.name}`);
  }

  /** Ids of the networks with exactly this name (Docker's name filter matches substrings). */
  private networksNamed(name: string): Promise<string[]> {
    return this.call(async () => {
      const nets = (await this.d.listNetworks({ filters: { name: [name] } })) as (DockerNetworkInfo & { Id: string })[];
      return nets.filter((n) => n.Name === name).map((n) => n.Id);
    });
  }

  async removeNetworkIfUnused(name: string): Promise<void> {
    try {
      const [id, ...more] = await this.networksNamed(name);
      if (!id || more.length) return;
      // Stopped containers count: Docker removes a network they still name, and they could
      // not start again.
      const members = await this.d.listContainers({ all: true, filters: { network: [name] } });
      if (members.length) return;
      await this.d.getNetwork(id).remove();
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      // Gone already, or a workload joined meanwhile ("has active endpoints").
      if (status === 404 || status === 403 || status === 409) return;
      throw this.translate(err);
    }
  }

  moveToNetwork(nameOrId: string, network: { name: string; aliases: string[] }): Promise<void> {
    return this.call(async () => {
      const c = await this.d.getContainer(nameOrId).inspect();
      const attached = Object.keys(c.NetworkSettings?.Networks ?? {});
      if (!attached.includes(network.name)) {
        await this.d.getNetwork(network.name).connect({ Container: c.Id, EndpointConfig: { Aliases: network.aliases } });
      }
      for (const other of attached.filter((n) => n !== network.name)) {
        await this.d.getNetwork(other).disconnect({ Container: c.Id, Force: true });
      }
    });
  }

  createVolume(name: string, labels: Record<string, string>): Promise<void> {
    return this.call(() => containers.createVolume(this.d, name, labels));
  }

  removeVolume(name: string): Promise<void> {
    return this.call(() => containers.removeVolume(this.d, name));
  }

  create(spec: WorkloadSpec): Promise<string> {
    return this.call(() => containers.createContainer(this.d, toCreateOptions(spec)));
  }

  start(nameOrId: string): Promise<void> {
    return this.call(() => containers.startContainer(this.d, nameOrId));
  }

  stop(nameOrId: string, graceSeconds: number): Promise<void> {
    return this.call(() => containers.stopContainer(this.d, nameOrId, graceSeconds));
  }

  restart(nameOrId: string, graceSeconds: number): Promise<void> {
    return this.call(() => containers.restartContainer(this.d, nameOrId, graceSeconds));
  }

  remove(nameOrId: string): Promise<void> {
    return this.call(() => containers.removeContainer(this.d, nameOrId));
  }

  inspect(nameOrId: string): Promise<WorkloadState | null> {
    return this.call(() => containers.inspectContainer(this.d, nameOrId));
  }

  list(labels: Record<string, string>) {
    return this.call(() => containers.listLabelled(this.d, labelFilters(labels)));
  }

  private async ttyOf(nameOrId: string): Promise<{ id: string; tty: boolean }> {
    const state = await containers.inspectContainer(this.d, nameOrId);
    if (!state) throw new RuntimeError("refused", `No such container: ${nameOrId}`, 404);
    return state;
  }

  logs(nameOrId: string, o: { tail?: number; since?: number; timestamps?: boolean }) {
    return this.call(async () => {
      const { id, tty } = await this.ttyOf(nameOrId);
      return containers.containerLogs(this.d, id, tty, o);
    });
  }

  logStream(nameOrId: string, timestamps: boolean, follow = false): Promise<Readable> {
    return this.call(async () => {
      const { id, tty } = await this.ttyOf(nameOrId);
      return containers.containerLogStream(this.streaming, id, tty, timestamps, follow);
    });
  }

  putFiles(nameOrId: string, dir: string, files: FileEntry[]): Promise<void> {
    return this.call(() => containers.putFiles(this.d, nameOrId, dir, files));
  }

  stats(nameOrId: string): Promise<Stats> {
    return this.call(() => containers.containerStats(this.d, nameOrId));
  }

  statsStream(nameOrId: string): Promise<Readable> {
    return this.call(async () => {
      const raw = (await this.streaming.getContainer(nameOrId).stats({ stream: true })) as unknown as Readable;
      const out = containers.statsParser();
      raw.pipe(out);
      // Closing ours (the last subscriber left) closes the engine's stream.
      out.on("close", () => raw.destroy());
      raw.on("error", (err) => out.destroy(err));
      return out;
    });
  }

  openShell(nameOrId: string, size: { cols: number; rows: number }) {
    return this.call(() => openShell(this.streaming, nameOrId, size));
  }

  startProcess(nameOrId: string, o: ProcessOptions) {
    return this.call(() => startProcess(this.streaming, nameOrId, o));
  }

  async *events(labels: Record<string, string>, signal: AbortSignal): AsyncIterable<RuntimeEvent> {
    const raw = (await this.call(() => this.streaming.getEvents({ filters: { type: ["container"], label: labelFilters(labels) } }))) as unknown as Readable;
    const lines = raw.pipe(lineSplitter());
    const stop = () => {
      raw.destroy();
      lines.destroy();
    };
    if (signal.aborted) stop();
    signal.addEventListener("abort", stop, { once: true });
    try {
      for await (const line of lines) {
        const e = JSON.parse(line as string) as {
          Action?: string;
          id?: string;
          time?: number;
          timeNano?: number;
          Actor?: { Attributes?: Record<string, string> };
        };
        const attrs = e.Actor?.Attributes ?? {};
        const action = (e.Action ?? "").split(":")[0] ?? "";
        yield {
          action: (["create", "start", "die", "oom", "stop", "destroy", "kill"].includes(action) ? action : "other") as RuntimeEvent["action"],
          id: e.id ?? "",
          labels: Object.fromEntries(Object.entries(attrs).filter(([k]) => k.includes("."))),
          exitCode: attrs.exitCode !== undefined ? Number(attrs.exitCode) : null,
          time: new Date(e.timeNano ? e.timeNano / 1e6 : (e.time ?? 0) * 1000),
        };
      }
    } catch (err) {
      if (!signal.aborted) throw this.translate(err);
    } finally {
      signal.removeEventListener("abort", stop);
      raw.destroy();
    }
  }
}

const labelFilters = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}=${v}`);

/** Newline-delimited text to one chunk per non-empty line. */
function lineSplitter(): Transform {
  let buffer = "";
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _enc, done) {
      buffer += chunk.toString("utf8");
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      for (const p of parts) if (p.trim()) this.push(p);
      done();
    },
  });
}
