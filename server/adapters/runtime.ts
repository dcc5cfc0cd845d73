import "server-only";
import type { Duplex, Readable, Writable } from "node:stream";

// The runtime interface: what instances and job runs need from a node's container engine.
// Services describe a workload in these neutral terms; an implementation (Docker first,
// server/adapters/docker-runtime.ts) turns it into the engine's own request and applies the
// security defaults every workload gets. A second engine is a new implementation of this
// interface, not a branch in the services.

/** A GPU-memory share through HAMi-core: the library is preloaded and limits each GPU. */
export type GpuShares = {
  /** Host path of the HAMi-core library file (libvgpu.so), mounted read-only; never a directory. */
  hostLibrary: string;
  /** Memory limit per granted GPU, in the order of `gpus`, MiB. */
  memoryMb: number[];
  /** Share of the GPU's compute, 1-100. */
  smPercent: number;
};

export type WorkloadSpec = {
  /** Unique on the engine; operations address the workload by it. */
  name: string;
  image: string;
  hostname?: string;
  /** argv; the image's own command when absent. */
  command?: string[];
  workingDir?: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  resources: { cpuCores: number; memoryBytes: number; pidsLimit: number };
  /** Host GPU indexes granted (whole GPUs, or shared ones with `gpuShares`). */
  gpus: number[];
  gpuShares?: GpuShares;
  /** Named volumes of the engine, mounted read-write. */
  volumes: { volume: string; target: string }[];
  /** The tenant network the workload joins (see ensureNetwork), with its names on it. */
  network: { name: string; aliases: string[] };
  /** A terminal and open stdin (interactive instances), or plain pipes (batch work). */
  interactive: boolean;
};

export type WorkloadState = {
  id: string;
  /** created | running | paused | restarting | removing | exited | dead */
  state: string;
  running: boolean;
  exitCode: number;
  error: string;
  startedAt: string | null;
  finishedAt: string | null;
  oomKilled: boolean;
  tty: boolean;
  labels: Record<string, string>;
  /** Networks the workload is attached to, by name. */
  networks: string[];
};

export type WorkloadSummary = { id: string; name: string; state: string; exitCode: number | null; labels: Record<string, string>; networks: string[] };

export type LogLine = { stream: "stdout" | "stderr"; text: string };
/** `maxChars` bounds what is kept of the newest lines (DEFAULT_LOG_CHARS): a log read is never unbounded. */
export type LogOptions = { tail?: number; since?: number; timestamps?: boolean; maxChars?: number };
/** The newest lines; `truncated` when older ones (within the tail asked for) were left out for size. */
export type LogTail = { lines: LogLine[]; truncated: boolean };
export const DEFAULT_LOG_CHARS = 2 * 1024 * 1024;

export type Stats = {
  ts: string;
  cpuPercent: number;
  memoryUsage: number;
  memoryLimit: number;
  memoryPercent: number;
  networkRx: number;
  networkTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
};

export type Shell = {
  stream: Duplex;
  resize: (cols: number, rows: number) => Promise<void>;
  exitCode: () => Promise<number | null>;
  /** Ends the shell (and its job control children) in the workload. */
  kill: (pid: number) => Promise<void>;
};

/**
 * A command in a container through `docker exec`, for the SSH jump host: with a TTY (output
 * on `stdout` only) or with plain pipes (stdout and stderr kept apart, binary-clean, for scp,
 * sftp and rsync). Ending `stdin` closes the command's standard input (a half-close, as the
 * Docker CLI does); `kill` sends SIGHUP to the command's process group, as sshd does when a
 * connection drops.
 */
export type ProcessOptions = {
  argv: string[];
  env?: string[];
  tty?: { cols: number; rows: number } | null;
  workingDir?: string;
};

export type Process = {
  /** Ending it closes the command's standard input. */
  stdin: Writable;
  stdout: NodeJS.ReadableStream;
  stderr: NodeJS.ReadableStream;
  resize: (cols: number, rows: number) => Promise<void>;
  /** Waits for the command to end; null when the engine does not say. */
  exitCode: () => Promise<number | null>;
  kill: () => Promise<void>;
};

/** A file for putFiles; `directory` entries have no content. */
export type FileEntry = { name: string; content: string | Buffer; mode: number; type?: "file" | "directory" | "symlink"; linkname?: string };

export type PullProgress = { status: string; layer: string | null; current: number | null; total: number | null };

/** A change of a workload's life, as the engine reports it. */
export type RuntimeEvent = {
  action: "create" | "start" | "die" | "oom" | "stop" | "destroy" | "kill" | "other";
  id: string;
  labels: Record<string, string>;
  /** On `die`: the exit code. */
  exitCode: number | null;
  time: Date;
};

/** A network of one tenant on one engine: its workloads reach each other and nothing of other tenants. */
export type TenantNetwork = { name: string; labels: Record<string, string> };

/**
 * Why an engine call failed: `refused` (the engine answered no: unknown image, bad request,
 * conflict), `unreachable` (transport: socket, TLS, DNS, timeout). `message` is fit for users:
 * the engine's own words, or a sentence about the connection that never names the address.
 */
export class RuntimeError extends Error {
  constructor(
    readonly kind: "refused" | "unreachable",
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "RuntimeError";
  }
}

export interface Runtime {
  imagePresent(reference: string): Promise<boolean>;
  pullImage(reference: string, onProgress?: (p: PullProgress) => void): Promise<void>;

  /** Creates the tenant's network when missing (idempotent, safe against concurrent calls). */
  ensureNetwork(net: TenantNetwork): Promise<void>;
  /** Removes a tenant network nobody uses any more; one still in use is left alone. */
  removeNetworkIfUnused(name: string): Promise<void>;
  /** Moves an existing workload onto `network` (and off every other network). */
  moveToNetwork(nameOrId: string, network: { name: string; aliases: string[] }): Promise<void>;

  createVolume(name: string, labels: Record<string, string>): Promise<void>;
  /** A missing volume is already removed. */
  removeVolume(name: string): Promise<void>;

  create(spec: WorkloadSpec): Promise<string>;
  /** Starting a running workload succeeds. */
  start(nameOrId: string): Promise<void>;
  /** Stopping a stopped or missing workload succeeds. */
  stop(nameOrId: string, graceSeconds: number): Promise<void>;
  restart(nameOrId: string, graceSeconds: number): Promise<void>;
  /** Removes a workload, running or not; a missing one is already removed. */
  remove(nameOrId: string): Promise<void>;
  /** null when there is no such workload. */
  inspect(nameOrId: string): Promise<WorkloadState | null>;
  /** Every workload (running or not) carrying all of `labels`. */
  list(labels: Record<string, string>): Promise<WorkloadSummary[]>;

  logs(nameOrId: string, o: LogOptions): Promise<LogTail>;
  /**
   * The whole log as bytes (stdout and stderr interleaved as written), for downloads; with
   * `follow`, new output too, until the workload stops.
   */
  logStream(nameOrId: string, timestamps: boolean, follow?: boolean): Promise<Readable>;
  /** Writes files (and directories) into a workload, created or running, with their modes, under `dir`. */
  putFiles(nameOrId: string, dir: string, files: FileEntry[]): Promise<void>;
  /** One sample. */
  stats(nameOrId: string): Promise<Stats>;
  /** Samples about every second, as an object-mode stream of Stats that ends when the workload stops. */
  statsStream(nameOrId: string): Promise<Readable>;
  /** An interactive shell with a terminal (bash, else sh). */
  openShell(nameOrId: string, size: { cols: number; rows: number }): Promise<Shell>;
  /** A command in a running workload (needs /bin/sh in it), with or without a terminal. */
  startProcess(nameOrId: string, o: ProcessOptions): Promise<Process>;
  /** Life events of workloads carrying all of `labels`, until `signal` aborts (then the iteration ends). */
  events(labels: Record<string, string>, signal: AbortSignal): AsyncIterable<RuntimeEvent>;
}
