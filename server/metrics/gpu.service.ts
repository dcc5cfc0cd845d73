import "server-only";
import type { TGpuEvent, TGpuOverview, TMetricsQuery, TNodeMetrics } from "@/lib/contracts/metrics";
import { parseTelemetry, TELEMETRY_COMMAND, type GpuReading } from "../adapters/gpu";
import { withSsh } from "../adapters/ssh";
import { env } from "../env";
import { emit } from "../events";
import { notFound } from "../http/errors";
import { countRunning } from "../instances/instances.repo";
import { logger } from "../logger";
import { allNodes, findNode, heldByNode, setGpuTelemetryProblem, type NodeRow } from "../nodes/nodes.repo";
import { sshTargetOf } from "../nodes/nodes.service";
import * as repo from "./gpu.repo";

// GPU telemetry: a collector reads each online GPU node's nvidia-smi over SSH, stores the
// readings, and pushes them to /stats subscribers. Raw samples are kept for a day, then
// folded into one-minute averages kept for a month. A node without telemetry (no SSH
// credentials, no nvidia-smi) says so once, on the node, instead of an error per poll.

const MINUTE = 60_000;
const MAX_POINTS = 2000;

// --- Pure: folding and bucketing ----------------------------------------------------------

/** Raw samples folded into one-minute buckets per node and GPU. */
export function foldSamples(rows: repo.SampleRow[]): repo.RollupRow[] {
  const buckets = new Map<string, repo.RollupRow>();
  for (const r of rows) {
    const minute = new Date(Math.floor(r.ts.getTime() / MINUTE) * MINUTE);
    const key = `${r.nodeId}|${r.gpuIndex}|${minute.getTime()}`;
    const b = buckets.get(key) ?? {
      nodeId: r.nodeId,
      gpuIndex: r.gpuIndex,
      minute,
      samples: 0,
      sumUtilization: 0,
      utilizationN: 0,
      sumMemoryUsedMb: 0,
      memoryN: 0,
      maxTemperature: null,
      sumPowerW: 0,
      powerN: 0,
      memoryTotalMb: null,
    };
    b.samples++;
    if (r.utilization !== null) {
      b.sumUtilization += r.utilization;
      b.utilizationN++;
    }
    if (r.memoryUsedMb !== null) {
      b.sumMemoryUsedMb += r.memoryUsedMb;
      b.memoryN++;
    }
    if (r.powerW !== null) {
      b.sumPowerW += r.powerW;
      b.powerN++;
    }
    if (r.temperature !== null) b.maxTemperature = b.maxTemperature === null ? r.temperature : Math.max(b.maxTemperature, r.temperature);
    if (r.memoryTotalMb !== null) b.memoryTotalMb = r.memoryTotalMb;
    buckets.set(key, b);
  }
  return [...buckets.values()];
}

type Acc = { u: number; un: number; m: number; mn: number; p: number; pn: number; t: number | null };

/** Raw samples and rollups of one node as per-GPU series, one point per `step` seconds with data. */
export function bucketSeries(samples: repo.SampleRow[], rollups: repo.RollupRow[], from: Date, step: number): TNodeMetrics["gpus"] {
  const gpus = new Map<number, { memoryTotalMb: number | null; points: Map<number, Acc> }>();
  const add = (gpu: number, ts: Date, total: number | null, f: (a: Acc) => void) => {
    const g = gpus.get(gpu) ?? { memoryTotalMb: null, points: new Map<number, Acc>() };
    if (total !== null) g.memoryTotalMb = total;
    const slot = Math.floor((ts.getTime() - from.getTime()) / (step * 1000));
    const a = g.points.get(slot) ?? { u: 0, un: 0, m: 0, mn: 0, p: 0, pn: 0, t: null };
    f(a);
    g.points.set(slot, a);
    gpus.set(gpu, g);
  };
  for (const r of rollups) {
    add(r.gpuIndex, r.minute, r.memoryTotalMb, (a) => {
      a.u += r.sumUtilization;
      a.un += r.utilizationN;
      a.m += r.sumMemoryUsedMb;
      a.mn += r.memoryN;
      a.p += r.sumPowerW;
      a.pn += r.powerN;
      if (r.maxTemperature !== null) a.t = a.t === null ? r.maxTemperature : Math.max(a.t, r.maxTemperature);
    });
  }
  for (const r of samples) {
    add(r.gpuIndex, r.ts, r.memoryTotalMb, (a) => {
      if (r.utilization !== null) {
        a.u += r.utilization;
        a.un++;
      }
      if (r.memoryUsedMb !== null) {
        a.m += r.memoryUsedMb;
        a.mn++;
      }
      if (r.powerW !== null) {
        a.p += r.powerW;
        a.pn++;
      }
      if (r.temperature !== null) a.t = a.t === null ? r.temperature : Math.max(a.t, r.temperature);
    });
  }
  const round = (n: number) => Math.round(n * 10) / 10;
  return [...gpus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, g]) => ({
      index,
      memoryTotalMb: g.memoryTotalMb,
      points: [...g.points.entries()]
        .sort(([a], [b]) => a - b)
        .map(([slot, a]) => ({
          ts: new Date(from.getTime() + slot * step * 1000).toISOString(),
          utilization: a.un ? round(a.u / a.un) : null,
          memoryUsedMb: a.mn ? Math.round(a.m / a.mn) : null,
          temperature: a.t,
          powerW: a.pn ? round(a.p / a.pn) : null,
        })),
    }));
}

// --- Collecting -----------------------------------------------------------------------------

/** Why a node cannot report GPU telemetry, from a failed poll. */
function problemOf(stderr: string, code: number | null): string {
  if (code === 127 || /not found/i.test(stderr)) return "nvidia-smi is not installed on the node: no GPU telemetry";
  return `nvidia-smi failed (exit ${code ?? "?"}): ${stderr.trim().slice(0, 200) || "no output"}`;
}

/** Reads one node's GPUs; stores and pushes the readings, or records why there are none. */
export async function pollNode(node: NodeRow, timeoutMs = 10_000): Promise<GpuReading[] | null> {
  const target = sshTargetOf(node);
  let problem: string | null = null;
  let readings: GpuReading[] = [];
  if (!target) problem = "No SSH credentials for the node: no GPU telemetry";
  else {
    try {
      const r = await withSsh(target, (s) => s.exec(TELEMETRY_COMMAND, timeoutMs), timeoutMs);
      if (r.code === 0) readings = parseTelemetry(r.stdout);
      else problem = problemOf(r.stderr, r.code);
    } catch (err) {
      problem = `GPU telemetry unavailable: ${(err as Error).message}`;
    }
  }
  if (problem !== node.gpuTelemetryProblem) {
    await setGpuTelemetryProblem(node.id, problem);
    if (problem) logger.warn({ node: node.name, problem }, "no GPU telemetry");
    else logger.info({ node: node.name }, "GPU telemetry available");
  }
  if (problem) return null;
  const ts = new Date();
  await repo.insertReadings(node.id, ts, readings);
  emit("gpu.sample", { nodeId: node.id, ts: ts.toISOString(), gpus: readings });
  return readings;
}

const PARALLEL = 8;

/** Polls every online node that has GPUs. */
export async function collectAll(signal: AbortSignal, timeoutMs: number): Promise<void> {
  const nodes = (await allNodes({ status: "online" })).filter((n) => n.gpuCount > 0);
  for (let i = 0; i < nodes.length && !signal.aborted; i += PARALLEL) {
    await Promise.all(
      nodes.slice(i, i + PARALLEL).map((n) => pollNode(n, timeoutMs).catch((err: unknown) => logger.error({ err, node: n.name }, "GPU poll failed"))),
    );
  }
}

/** Folds raw samples past their retention into one-minute averages; drops old averages. */
export async function applyRetention(now = new Date()): Promise<{ folded: number; droppedRollups: number }> {
  const before = new Date(now.getTime() - env().GPU_RAW_RETENTION_HOURS * 3_600_000);
  let folded = 0;
  for (;;) {
    const rows = await repo.oldSamples(before, 5_000);
    if (!rows.length) break;
    await repo.foldInto(
      foldSamples(rows),
      rows.map((r) => r.id),
    );
    folded += rows.length;
    if (rows.length < 5_000) break;
  }
  const droppedRollups = await repo.deleteRollupsBefore(new Date(now.getTime() - env().GPU_ROLLUP_RETENTION_DAYS * 86_400_000));
  return { folded, droppedRollups };
}

// --- Reading ------------------------------------------------------------------------------

export async function nodeMetrics(nodeId: string, q: TMetricsQuery): Promise<TNodeMetrics> {
  const node = await findNode(nodeId);
  if (!node) throw notFound("Node");
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 3_600_000);
  const span = (to.getTime() - from.getTime()) / 1000;
  const step = Math.max(q.step ?? 60, Math.ceil(span / MAX_POINTS));
  const [samples, rollups] = await Promise.all([repo.samplesBetween(nodeId, from, to), repo.rollupsBetween(nodeId, from, to)]);
  return { nodeId, from: from.toISOString(), to: to.toISOString(), step, problem: node.gpuTelemetryProblem, gpus: bucketSeries(samples, rollups, from, step) };
}

/** A node's latest poll as a `gpu` event (for a subscriber who just arrived), if it is recent. */
export async function latestGpuEvent(nodeId: string): Promise<TGpuEvent | null> {
  const rows = await repo.latestReadings(new Date(Date.now() - 3 * env().GPU_POLL_SEC * 1000), nodeId);
  if (!rows.length) return null;
  const ts = new Date(Math.max(...rows.map((r) => r.ts.getTime())));
  const gpus = rows
    .sort((a, b) => a.gpuIndex - b.gpuIndex)
    .map((r) => ({
      index: r.gpuIndex,
      uuid: null,
      name: null,
      utilization: r.utilization,
      memoryUsedMb: r.memoryUsedMb,
      memoryTotalMb: r.memoryTotalMb,
      temperature: r.temperature,
      powerW: r.powerW,
    }));
  return { nodeId, ts: ts.toISOString(), gpus };
}

export async function gpuOverview(): Promise<TGpuOverview> {
  const nodes = await allNodes();
  const [held, running, latest] = await Promise.all([
    heldByNode(nodes.map((n) => n.id)),
    countRunning(),
    repo.latestReadings(new Date(Date.now() - 3 * env().GPU_POLL_SEC * 1000)),
  ]);
  const online = nodes.filter((n) => n.status === "online");
  let busy = 0;
  const heat = online
    .filter((n) => n.gpuCount > 0)
    .map((n) => {
      const heldIdx = new Set((held.get(n.id) ?? []).filter((h) => h.gpuIndex !== null).map((h) => h.gpuIndex!));
      busy += heldIdx.size;
      return {
        nodeId: n.id,
        nodeName: n.name,
        gpus: Array.from({ length: n.gpuCount }, (_, index) => ({
          index,
          utilization: latest.find((r) => r.nodeId === n.id && r.gpuIndex === index)?.utilization ?? null,
          held: heldIdx.has(index),
        })),
      };
    });
  const total = online.reduce((s, n) => s + n.gpuCount, 0);
  const utils = latest.map((r) => r.utilization).filter((u): u is number => u !== null);
  return {
    nodes: { total: nodes.length, online: online.length, offline: nodes.filter((n) => n.status === "offline").length },
    gpus: { total, busy, idle: Math.max(0, total - busy) },
    runningInstances: running,
    averageUtilization: utils.length ? Math.round((utils.reduce((a, b) => a + b, 0) / utils.length) * 10) / 10 : null,
    memoryUsedMb: latest.reduce((s, r) => s + (r.memoryUsedMb ?? 0), 0),
    memoryTotalMb: latest.reduce((s, r) => s + (r.memoryTotalMb ?? 0), 0),
    heat,
  };
}
