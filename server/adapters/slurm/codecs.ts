import "server-only";
import { clusterOf, gpusOfGres, gpusOfTres, isInfinite, list, num, obj, releaseOf, states, str, text, time } from "./decode";
import type { SlurmCodec, SlurmJob, SlurmNode, SlurmPartition, SlurmPing, SlurmSubmit } from "./model";

// One codec per slurmrestd REST API version. The readers in decode.ts take either shape of a
// field (plain numbers or {set, infinite, number}; a state string or a state list), so each
// codec names only what its version moved or renamed. Sample documents of every version are
// in ./fixtures and decoded by codecs.test.ts.
//
// v0.0.38 (Slurm 22.05): plain numbers, job_state a string, node state lower case with
//   state_flags beside it, meta.Slurm, partitions flat (total_cpus, maximum_time), submit
//   as {script, job: {...}} with environment an object.
// v0.0.40 (23.11): numbers as {set, infinite, number}, job_state and node state lists,
//   meta.slurm, partitions nested (cpus.total, maximums.time), exit_code as
//   {status, return_code, signal}, submit as {job: {script, ...}} with environment a list
//   of "NAME=value".
// v0.0.41 (24.05) and v0.0.42 (24.11): as v0.0.40 for everything the console reads and sends.

function pingOf(doc: unknown): SlurmPing {
  const d = obj(doc);
  return {
    release: releaseOf(doc),
    clusterName: clusterOf(doc),
    controllers: list(d.pings).map((p) => {
      const o = obj(p);
      // v0.0.38 says `ping: "UP"`; later `pinged: "UP"` (and `responding` on 0.0.42+).
      const answer = str(o.pinged ?? o.ping) ?? "";
      const up = typeof o.responding === "boolean" ? o.responding : answer.toUpperCase() === "UP";
      return { host: str(o.hostname) ?? "?", up };
    }),
  };
}

function exitOf(v: unknown): { code: number | null; signal: number | null } {
  if (typeof v === "number") {
    // v0.0.38 sends the wait status: exit code in the high byte, signal in the low bits.
    if (!Number.isFinite(v) || v < 0 || v > 0xffff) return { code: null, signal: null };
    return { code: v >> 8, signal: v & 0x7f || null };
  }
  const o = obj(v);
  const sig = num(obj(o.signal).id);
  return { code: num(o.return_code), signal: sig && sig > 0 ? sig : null };
}

function jobOf(v: unknown): SlurmJob | null {
  const j = obj(v);
  const jobId = num(j.job_id);
  if (jobId === null) return null;
  const s = states(j.job_state);
  const exit = exitOf(j.exit_code);
  const alloc = gpusOfTres(j.tres_alloc_str);
  const requested = Math.max(gpusOfTres(j.tres_req_str), gpusOfGres(j.tres_per_node) * (num(j.node_count) ?? 1), gpusOfGres(j.tres_per_job));
  return {
    jobId,
    name: str(j.name) ?? "",
    userName: text(j.user_name),
    userId: num(j.user_id),
    partition: text(j.partition),
    state: s.state,
    stateFlags: s.flags,
    reason: text(j.state_reason) === "None" ? null : text(j.state_reason),
    nodes: text(j.nodes),
    nodeCount: num(j.node_count),
    cpus: num(j.cpus),
    tasks: num(j.tasks),
    gpus: alloc || requested,
    timeLimitMinutes: isInfinite(j.time_limit) ? null : num(j.time_limit),
    submitTime: time(j.submit_time),
    // A pending job's times are Slurm's estimates, not facts.
    startTime: s.state === "PENDING" ? null : time(j.start_time),
    endTime: s.state === "PENDING" || s.state === "RUNNING" ? null : time(j.end_time),
    exitCode: exit.code,
    signal: exit.signal,
    comment: text(j.comment),
    workingDirectory: text(j.current_working_directory),
    stdoutPath: text(j.standard_output),
    stderrPath: text(j.standard_error),
  };
}

function nodeOf(v: unknown): SlurmNode | null {
  const n = obj(v);
  const name = text(n.name);
  if (!name) return null;
  const s = states(n.state, n.state_flags);
  const mb = (x: unknown) => num(x) ?? 0;
  return {
    name,
    state: s.state,
    stateFlags: s.flags,
    reason: text(n.reason),
    cpus: mb(n.cpus),
    allocCpus: mb(n.alloc_cpus),
    memoryMb: mb(n.real_memory),
    allocMemoryMb: mb(n.alloc_memory),
    freeMemoryMb: num(n.free_mem ?? n.free_memory),
    gres: str(n.gres) ?? "",
    gresUsed: str(n.gres_used) ?? "",
    gpus: gpusOfGres(n.gres),
    allocGpus: gpusOfGres(n.gres_used),
    partitions: list(n.partitions)
      .map(str)
      .filter((p): p is string => !!p),
  };
}

function partitionOf(v: unknown): SlurmPartition | null {
  const p = obj(v);
  const name = text(p.name);
  if (!name) return null;
  // v0.0.38: flat fields; v0.0.40+: nested objects.
  const nested = obj(p.partition);
  const nodes = obj(p.nodes);
  const flags = [...list(p.flags), ...list(nested.flags)].map((f) => (str(f) ?? "").toUpperCase());
  const maxTime = p.maximum_time ?? obj(p.maximums).time;
  const defTime = p.default_time ?? obj(p.defaults).time;
  return {
    name,
    state: states(nested.state ?? p.state).state,
    isDefault: flags.includes("DEFAULT"),
    nodes: str(p.nodes) ?? str(nodes.configured) ?? "",
    totalNodes: num(p.total_nodes ?? nodes.total) ?? 0,
    totalCpus: num(p.total_cpus ?? obj(p.cpus).total) ?? 0,
    maxTimeMinutes: isInfinite(maxTime) ? null : num(maxTime),
    defaultTimeMinutes: num(defTime),
  };
}

/** A document's list under `key`, each entry decoded; entries that are not one are left out. */
function itemsOf<T>(key: string, decode: (v: unknown) => T | null): (doc: unknown) => T[] {
  return (doc) => list(obj(doc)[key]).flatMap((v) => decode(v) ?? []);
}

const jobsOf = itemsOf("jobs", jobOf);
const nodesOf = itemsOf("nodes", nodeOf);
const partitionsOf = itemsOf("partitions", partitionOf);

function submittedOf(doc: unknown): number | null {
  const d = obj(doc);
  return num(d.job_id) ?? num(obj(d.result).job_id);
}

/** Fields both submission shapes share (names as v0.0.38 has them). */
function commonJobFields(s: SlurmSubmit): Record<string, unknown> {
  return {
    name: s.name,
    ...(s.partition ? { partition: s.partition } : {}),
    current_working_directory: s.workingDirectory,
    standard_output: s.stdoutPath,
    standard_error: s.stderrPath,
    comment: s.comment,
    ...(s.tasks !== null ? { tasks: s.tasks } : {}),
    ...(s.cpusPerTask !== null ? { cpus_per_task: s.cpusPerTask } : {}),
  };
}

const v0_0_38: SlurmCodec = {
  version: "v0.0.38",
  ping: pingOf,
  jobs: jobsOf,
  nodes: nodesOf,
  partitions: partitionsOf,
  submitted: submittedOf,
  submitBody: (s) => ({
    script: s.script,
    job: {
      ...commonJobFields(s),
      ...(s.nodes !== null ? { nodes: [s.nodes, s.nodes] } : {}),
      ...(s.memoryMbPerNode !== null ? { memory_per_node: s.memoryMbPerNode } : {}),
      ...(s.gpus > 0 ? { gres: `gpu:${s.gpus}` } : {}),
      time_limit: s.timeLimitMinutes,
      environment: s.environment,
    },
  }),
};

const set = (n: number) => ({ set: true, infinite: false, number: n });

function v0_0_4x(version: string): SlurmCodec {
  return {
    version,
    ping: pingOf,
    jobs: jobsOf,
    nodes: nodesOf,
    partitions: partitionsOf,
    submitted: submittedOf,
    submitBody: (s) => ({
      job: {
        script: s.script,
        ...commonJobFields(s),
        ...(s.nodes !== null ? { minimum_nodes: s.nodes, maximum_nodes: s.nodes } : {}),
        ...(s.memoryMbPerNode !== null ? { memory_per_node: set(s.memoryMbPerNode) } : {}),
        ...(s.gpus > 0 ? { tres_per_node: `gres/gpu:${s.gpus}` } : {}),
        time_limit: set(s.timeLimitMinutes),
        environment: Object.entries(s.environment).map(([k, v]) => `${k}=${v}`),
      },
    }),
  };
}

/** Every version the console speaks, newest first (discovery tries them in this order). */
export const CODECS: SlurmCodec[] = [v0_0_4x("v0.0.42"), v0_0_4x("v0.0.41"), v0_0_4x("v0.0.40"), v0_0_38];

export function codecFor(version: string): SlurmCodec | null {
  return CODECS.find((c) => c.version === version) ?? null;
}
