import "server-only";
import type { TPartitionPrice } from "@/lib/contracts/clusters";
import type { TSlurmConfig } from "@/lib/contracts/jobs";
import { expandHostlist } from "../adapters/slurm/hostlist";
import type { SlurmJob, SlurmSubmit } from "../adapters/slurm/model";
import type { RunEnd } from "./dispatcher";
import type { JobRow, RunRow } from "./jobs.repo";

// What a Slurm run is, without talking to Slurm: the submission made from a job, how Slurm's
// states read as run statuses, output file names, and what a finished job costs.

export const configOf = (job: Pick<JobRow, "config">) => JSON.parse(job.config) as TSlurmConfig;

const ENDED: Record<string, RunEnd["status"]> = {
  COMPLETED: "succeeded",
  FAILED: "failed",
  NODE_FAIL: "failed",
  OUT_OF_MEMORY: "failed",
  BOOT_FAIL: "failed",
  DEADLINE: "failed",
  PREEMPTED: "failed",
  TIMEOUT: "timed_out",
  CANCELLED: "cancelled",
};
const RUNNING = new Set(["RUNNING", "COMPLETING", "SUSPENDED", "STOPPED", "SIGNALING", "STAGE_OUT"]);

/** Slurm's state of a job as a run status (null: still in Slurm's queue). */
export function runStatusOf(state: string): RunEnd["status"] | "running" | "queued" {
  return ENDED[state] ?? (RUNNING.has(state) ? "running" : "queued");
}

/**
 * An output path as Slurm names the file: older releases answer the pattern (%j job id, %u
 * user, %x job name, %N first node, %% a percent sign); relative paths are in the job's
 * working directory.
 */
export function expandPath(pattern: string, j: Pick<SlurmJob, "jobId" | "userName" | "name" | "nodes" | "workingDirectory">): string {
  const first = expandHostlist(j.nodes, 1)[0] ?? "";
  const path = pattern.replace(/%(%|j|u|x|N|A)/g, (_m, c: string) =>
    c === "%" ? "%" : c === "j" || c === "A" ? String(j.jobId) : c === "u" ? (j.userName ?? "") : c === "x" ? j.name : first,
  );
  return path.startsWith("/") || !j.workingDirectory ? path : `${j.workingDirectory.replace(/\/$/, "")}/${path}`;
}

export const commentOf = (runId: string) => `aiinfra run ${runId}`;

/**
 * The submission for a run: the job's fields, then the script's `#SBATCH` lines for what the
 * job leaves unset, then defaults (the Slurm user's home; slurm-<id>.out and .err there).
 */
export function submissionOf(run: Pick<RunRow, "id">, job: JobRow, slurmUser: string): SlurmSubmit & { ignored: string[] } {
  const cfg = configOf(job);
  const { options: sb, ignored } = parseSbatch(cfg.script);
  const workdir = (cfg.workdir ?? sb.workingDirectory ?? (slurmUser === "root" ? "/root" : `/home/${slurmUser}`)).replace(/(.)\/$/, "$1");
  const inDir = (p: string) => (p.startsWith("/") ? p : `${workdir}/${p}`);
  const stdout = inDir(sb.stdoutPath ?? "slurm-%j.out");
  return {
    name: job.name.replace(/[^\p{L}\p{N} ._-]/gu, "_").slice(0, 100) || "job",
    script: cfg.script,
    partition: cfg.partition ?? sb.partition ?? null,
    nodes: cfg.nodes ?? sb.nodes ?? null,
    tasks: cfg.tasks ?? sb.tasks ?? null,
    cpusPerTask: cfg.cpusPerTask ?? sb.cpusPerTask ?? null,
    memoryMbPerNode: cfg.memoryMb ?? sb.memoryMbPerNode ?? null,
    timeLimitMinutes: Math.max(1, Math.ceil(job.timeoutSeconds / 60)),
    gpus: cfg.gpus || sb.gpus || 0,
    environment: { PATH: "/usr/local/bin:/usr/bin:/bin", ...cfg.env, AIINFRA_RUN_ID: run.id, AIINFRA_JOB_ID: job.id },
    workingDirectory: workdir,
    stdoutPath: stdout,
    // Like sbatch: without an error file, errors go to the output file.
    stderrPath: sb.stderrPath ? inDir(sb.stderrPath) : sb.stdoutPath ? stdout : inDir("slurm-%j.err"),
    comment: commentOf(run.id),
    ignored,
  };
}

/** What a finished job costs on a priced partition (cents, rounded down), or null when unpriced. */
export function jobCost(
  j: Pick<SlurmJob, "cpus" | "gpus" | "startTime" | "endTime">,
  price: Pick<TPartitionPrice, "cpuHourCents" | "gpuHourCents"> | null,
): { cents: number; seconds: number } | null {
  if (!price) return null;
  const seconds = j.startTime && j.endTime ? Math.max(0, Math.round((j.endTime.getTime() - j.startTime.getTime()) / 1000)) : 0;
  const perHour = (j.cpus ?? 0) * price.cpuHourCents + j.gpus * price.gpuHourCents;
  return { cents: Math.floor((perHour * seconds) / 3600), seconds };
}

/** What a script's `#SBATCH` lines ask for, as submission fields, and the options the console does not pass on. */
export type Sbatch = {
  options: {
    [K in "partition" | "nodes" | "tasks" | "cpusPerTask" | "memoryMbPerNode" | "gpus" | "workingDirectory" | "stdoutPath" | "stderrPath"]?:
      | SlurmSubmit[K]
      | null;
  };
  ignored: string[];
};

const SHORT: Record<string, string> = {
  p: "partition",
  N: "nodes",
  n: "ntasks",
  c: "cpus-per-task",
  o: "output",
  e: "error",
  D: "chdir",
  G: "gpus",
  J: "job-name",
  t: "time",
};

/** Slurm memory sizes (K, M, G, T; M when bare) in MB, rounded up. */
function memoryMb(v: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)B?$/i.exec(v.trim());
  if (!m) return null;
  const factor = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024, "": 1 }[m[2]!.toUpperCase() as "K" | "M" | "G" | "T" | ""];
  return Math.ceil(Number(m[1]) * factor);
}

const positive = (v: string) => (/^\d+$/.test(v) && Number(v) > 0 ? Number(v) : null);

/**
 * Reads a batch script's `#SBATCH` lines as sbatch does (only those before the first
 * command). slurmrestd does not read them itself (22.05 ignores them entirely), so the
 * console passes on the ones it knows; the job's own fields win over them.
 */
export function parseSbatch(script: string): Sbatch {
  const options: Sbatch["options"] = {};
  const ignored: string[] = [];
  for (const raw of script.split("\n").slice(1)) {
    const line = raw.trim();
    if (line === "" || (line.startsWith("#") && !line.startsWith("#SBATCH"))) continue;
    if (!line.startsWith("#SBATCH")) break;
    const m = /^#SBATCH\s+(--([a-z-]+)(?:[= ]\s*(\S+))?|-([A-Za-z])\s*(\S+)?)/.exec(line);
    if (!m) continue;
    const name = m[2] ?? SHORT[m[4] ?? ""] ?? `-${m[4]}`;
    const value = (m[3] ?? m[5] ?? "").replace(/^["']|["']$/g, "");
    // GPUs of a GRES list ("gpu:2", "gpu:a100:2,mps:100"): other resources are not GPUs.
    const gpus = (g: string) => {
      let n: number | null = null;
      for (const item of g.split(",")) {
        const parts = item.replace(/^gres[:/]/, "").split(":");
        if (parts[0] === "gpu") n = (n ?? 0) + (parts.length === 1 ? 1 : (positive(parts.at(-1)!) ?? 0));
      }
      return n;
    };
    let ok: unknown = null;
    switch (name) {
      case "partition":
        ok = options.partition = /^[A-Za-z0-9_.-]{1,64}$/.test(value) ? value : null;
        break;
      case "nodes":
        ok = options.nodes = positive(value.split("-")[0]!);
        break;
      case "ntasks":
        ok = options.tasks = positive(value);
        break;
      case "cpus-per-task":
        ok = options.cpusPerTask = positive(value);
        break;
      case "mem":
        ok = options.memoryMbPerNode = memoryMb(value);
        break;
      case "gres":
        ok = options.gpus = gpus(value) ?? undefined;
        break;
      case "gpus":
      case "gpus-per-node":
        ok = options.gpus = positive(value.split(":").at(-1)!);
        break;
      case "chdir":
        ok = options.workingDirectory = value.startsWith("/") ? value : null;
        break;
      case "output":
        ok = options.stdoutPath = value || null;
        break;
      case "error":
        ok = options.stderrPath = value || null;
        break;
      case "job-name":
      case "time":
        // The job's name and timeout are the console's fields.
        ok = true;
        break;
    }
    if (ok === null || ok === undefined) ignored.push(`--${name.replace(/^-/, "")}`);
  }
  for (const k of Object.keys(options) as (keyof Sbatch["options"])[]) if (options[k] === null || options[k] === undefined) delete options[k];
  return { options, ignored: [...new Set(ignored)] };
}

/** The most a submission can cost at a price: its time limit at its size (CPUs and GPUs over all its nodes), rounded up. */
export function worstCase(
  s: Pick<SlurmSubmit, "nodes" | "tasks" | "cpusPerTask" | "gpus" | "timeLimitMinutes">,
  price: Pick<TPartitionPrice, "cpuHourCents" | "gpuHourCents">,
): number {
  const nodes = s.nodes ?? 1;
  const cpus = Math.max(nodes, (s.tasks ?? 1) * (s.cpusPerTask ?? 1));
  const gpus = s.gpus * nodes;
  return Math.ceil(((cpus * price.cpuHourCents + gpus * price.gpuHourCents) * s.timeLimitMinutes) / 60);
}

/**
 * The price of the partition a job lands in: the one it names, else the cluster's default
 * (when Slurm says which; newer releases do not), else the dearest one priced (so nothing
 * priced slips through unpriced). Null: unpriced.
 */
export function priceFor(
  prices: TPartitionPrice[],
  partition: string | null,
  defaultPartition: string | null,
): Pick<TPartitionPrice, "cpuHourCents" | "gpuHourCents"> | null {
  if (!prices.length) return null;
  const name = partition ?? defaultPartition;
  if (name) return prices.find((p) => p.partition === name) ?? null;
  return {
    cpuHourCents: Math.max(...prices.map((p) => p.cpuHourCents)),
    gpuHourCents: Math.max(...prices.map((p) => p.gpuHourCents)),
  };
}
