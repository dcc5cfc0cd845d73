import "server-only";

// The one shape the console works with, whatever slurmrestd API version a cluster speaks.
// Each codec (v0_0_38.ts, v0_0_40.ts ...) decodes its version's documents into these and
// encodes a submission from SlurmSubmit. Numbers Slurm leaves unset are null; "infinite"
// limits are null as well, with `unlimited` saying so where it matters.

/** Slurm's base job states (the first of the state list on newer releases). */
export type SlurmJobState =
  | "PENDING"
  | "RUNNING"
  | "SUSPENDED"
  | "COMPLETING"
  | "COMPLETED"
  | "CANCELLED"
  | "FAILED"
  | "TIMEOUT"
  | "NODE_FAIL"
  | "PREEMPTED"
  | "BOOT_FAIL"
  | "DEADLINE"
  | "OUT_OF_MEMORY"
  | string;

export type SlurmPing = { release: string | null; clusterName: string | null; controllers: { host: string; up: boolean }[] };

export type SlurmJob = {
  jobId: number;
  name: string;
  userName: string | null;
  userId: number | null;
  partition: string | null;
  /** The base state (e.g. RUNNING), and every flag Slurm gave with it (e.g. COMPLETING). */
  state: SlurmJobState;
  stateFlags: string[];
  reason: string | null;
  nodes: string | null;
  nodeCount: number | null;
  cpus: number | null;
  tasks: number | null;
  /** GPUs allocated (from the allocated TRES), else requested. */
  gpus: number;
  timeLimitMinutes: number | null;
  submitTime: Date | null;
  startTime: Date | null;
  endTime: Date | null;
  exitCode: number | null;
  /** The signal that ended it, when one did. */
  signal: number | null;
  comment: string | null;
  workingDirectory: string | null;
  stdoutPath: string | null;
  stderrPath: string | null;
};

export type SlurmNode = {
  name: string;
  state: string;
  stateFlags: string[];
  reason: string | null;
  cpus: number;
  allocCpus: number;
  memoryMb: number;
  allocMemoryMb: number;
  freeMemoryMb: number | null;
  gres: string;
  gresUsed: string;
  gpus: number;
  allocGpus: number;
  partitions: string[];
};

export type SlurmPartition = {
  name: string;
  state: string;
  isDefault: boolean;
  nodes: string;
  totalNodes: number;
  totalCpus: number;
  maxTimeMinutes: number | null;
  defaultTimeMinutes: number | null;
};

/** A batch job to submit: the console's fields, in Slurm's units. */
export type SlurmSubmit = {
  name: string;
  script: string;
  partition: string | null;
  nodes: number | null;
  tasks: number | null;
  cpusPerTask: number | null;
  memoryMbPerNode: number | null;
  timeLimitMinutes: number;
  gpus: number;
  environment: Record<string, string>;
  workingDirectory: string;
  stdoutPath: string;
  stderrPath: string;
  comment: string;
};

/** How each API version's documents become the model (one per version). */
export type SlurmCodec = {
  version: string;
  /** Release and cluster from any document's meta, and the controllers' answers from ping. */
  ping(doc: unknown): SlurmPing;
  jobs(doc: unknown): SlurmJob[];
  nodes(doc: unknown): SlurmNode[];
  partitions(doc: unknown): SlurmPartition[];
  submitBody(s: SlurmSubmit): unknown;
  /** The job id a submission answered, or null when it did not make one. */
  submitted(doc: unknown): number | null;
};

/** Errors and warnings of any version's answer ({errors: [{error, error_number | error_code, description}]}). */
export function problemsOf(doc: unknown): { errors: string[]; warnings: string[] } {
  const d = (doc ?? {}) as { errors?: unknown; warnings?: unknown };
  const text = (list: unknown) =>
    (Array.isArray(list) ? list : [])
      .map((e) => {
        const o = (e ?? {}) as Record<string, unknown>;
        const parts = [o.description, o.error].filter((x) => typeof x === "string" && x.trim() !== "") as string[];
        return [...new Set(parts)].join(": ");
      })
      .filter((s) => s !== "");
  return { errors: text(d.errors), warnings: text(d.warnings) };
}
