import "server-only";
import type { TInstanceMetrics, TMetricsQuery } from "@/lib/contracts/metrics";
import type { Principal } from "../auth/principal";
import { env } from "../env";
import { getInstance } from "../instances/instances.service";
import { runningWorkloads } from "../instances/stats";
import { logger } from "../logger";
import { latestReadings } from "./gpu.repo";
import * as repo from "./instance-stats.repo";

// History of running instances' container stats: the collector samples each one every
// INSTANCE_STATS_SEC with the GPUs it holds (from the GPU collector's latest readings of its
// node). Samples are kept raw for GPU_RAW_RETENTION_HOURS, then folded into one average per
// minute kept GPU_ROLLUP_RETENTION_DAYS; GET /instances/{id}/metrics buckets them by step.

const PARALLEL = 8;
const MAX_POINTS = 2000;
const MINUTE = 60_000;
const FOLD_PAGE = 5_000;

type Reading = { gpuIndex: number; utilization: number | null; memoryUsedMb: number | null };

/** The instance's part of its node's GPU readings: mean utilization, memory used and its limit on the GPUs it holds. Pure. */
export function gpuUsage(held: { index: number; memoryGb: number }[], readings: Reading[]): repo.GpuUsage {
  if (!held.length) return { gpuUtilization: null, gpuMemoryUsedMb: null, gpuMemoryLimitMb: null };
  const mine = readings.filter((r) => held.some((h) => h.index === r.gpuIndex));
  const utils = mine.flatMap((r) => (r.utilization === null ? [] : [r.utilization]));
  const memory = mine.flatMap((r) => (r.memoryUsedMb === null ? [] : [r.memoryUsedMb]));
  return {
    gpuUtilization: utils.length ? Math.round((utils.reduce((a, b) => a + b, 0) / utils.length) * 10) / 10 : null,
    gpuMemoryUsedMb: memory.length ? memory.reduce((a, b) => a + b, 0) : null,
    gpuMemoryLimitMb: held.reduce((s, h) => s + h.memoryGb * 1024, 0),
  };
}

export async function sampleRunning(signal: AbortSignal): Promise<number> {
  const targets = await runningWorkloads();
  const readings = targets.some((t) => t.gpus.length) ? await latestReadings(new Date(Date.now() - 3 * env().GPU_POLL_SEC * 1000)) : [];
  let n = 0;
  for (let i = 0; i < targets.length && !signal.aborted; i += PARALLEL) {
    await Promise.all(
      targets.slice(i, i + PARALLEL).map(async (t) => {
        try {
          const gpu = gpuUsage(
            t.gpus,
            readings.filter((r) => r.nodeId === t.nodeId),
          );
          await repo.insertSample(t.instanceId, await t.rt.stats(t.name), gpu);
          n++;
        } catch (err) {
          logger.debug({ instanceId: t.instanceId, err: String(err) }, "stats sample skipped");
        }
      }),
    );
  }
  return n;
}

// --- Averaging (pure) ----------------------------------------------------------------------

type Values = repo.SampleValues;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const meanOrNull = (xs: (number | null)[]) => {
  const known = xs.filter((x): x is number => x !== null);
  return known.length ? mean(known) : null;
};

/** One value for several samples: averages of gauges; counters (network, block IO) and limits as of the last. */
export function averageSamples(xs: Values[]): Values {
  const last = xs.at(-1)!;
  const round = (n: number | null, places = 2) => (n === null ? null : Math.round(n * 10 ** places) / 10 ** places);
  return {
    cpuPercent: round(mean(xs.map((r) => r.cpuPercent)))!,
    memoryUsage: Math.round(mean(xs.map((r) => r.memoryUsage))),
    memoryLimit: last.memoryLimit,
    networkRx: last.networkRx,
    networkTx: last.networkTx,
    blockRead: last.blockRead,
    blockWrite: last.blockWrite,
    pids: last.pids,
    gpuUtilization: round(meanOrNull(xs.map((r) => r.gpuUtilization)), 1),
    gpuMemoryUsedMb: round(meanOrNull(xs.map((r) => r.gpuMemoryUsedMb)), 0),
    gpuMemoryLimitMb: last.gpuMemoryLimitMb,
  };
}

/** Groups time-ordered samples into slots of `stepMs` counted from `origin`. */
function slotsOf<R extends { ts: Date }>(rows: R[], origin: number, stepMs: number): Map<number, R[]> {
  const slots = new Map<number, R[]>();
  for (const r of rows) {
    const slot = Math.floor((r.ts.getTime() - origin) / stepMs);
    const xs = slots.get(slot);
    if (xs) xs.push(r);
    else slots.set(slot, [r]);
  }
  return slots;
}

/** One point per step with samples, timestamped at the step's start. Pure. */
export function bucketInstanceSamples(rows: (Values & { ts: Date })[], from: Date, step: number): TInstanceMetrics["points"] {
  return [...slotsOf(rows, from.getTime(), step * 1000).entries()]
    .sort(([a], [b]) => a - b)
    .map(([slot, xs]) => ({ ts: new Date(from.getTime() + slot * step * 1000).toISOString(), ...averageSamples(xs) }));
}

/**
 * Minute averages of an instance's samples: minutes with several samples become one average
 * at the minute's start; a lone sample stays as it is. Pure.
 */
export function foldMinutes(rows: repo.SampleRow[]): { averages: (Values & { instanceId: string; ts: Date })[]; replaced: string[]; kept: string[] } {
  const out: ReturnType<typeof foldMinutes> = { averages: [], replaced: [], kept: [] };
  const byInstance = new Map<string, repo.SampleRow[]>();
  for (const r of rows) byInstance.set(r.instanceId, [...(byInstance.get(r.instanceId) ?? []), r]);
  for (const [instanceId, samples] of byInstance) {
    for (const [slot, xs] of slotsOf(samples, 0, MINUTE)) {
      if (xs.length === 1) out.kept.push(xs[0]!.id);
      else {
        out.averages.push({ instanceId, ts: new Date(slot * MINUTE), ...averageSamples(xs) });
        out.replaced.push(...xs.map((x) => x.id));
      }
    }
  }
  return out;
}

// --- Retention --------------------------------------------------------------------------------

/** Folds samples past GPU_RAW_RETENTION_HOURS into minute averages; drops those past GPU_ROLLUP_RETENTION_DAYS. */
export async function applyInstanceRetention(now = new Date()): Promise<{ folded: number; pruned: number }> {
  // Whole minutes only: a minute is never split between raw and folded.
  const rawBefore = new Date(Math.floor((now.getTime() - env().GPU_RAW_RETENTION_HOURS * 3_600_000) / MINUTE) * MINUTE);
  let folded = 0;
  for (;;) {
    let rows = await repo.unfoldedBefore(rawBefore, FOLD_PAGE);
    if (!rows.length) break;
    const full = rows.length === FOLD_PAGE;
    if (full) {
      // The page may end inside a minute: leave that minute for the next page.
      const lastMinute = Math.floor(rows.at(-1)!.ts.getTime() / MINUTE);
      const whole = rows.filter((r) => Math.floor(r.ts.getTime() / MINUTE) < lastMinute);
      if (whole.length) rows = whole;
    }
    const f = foldMinutes(rows);
    await repo.replaceByAverages(f.averages, f.replaced, f.kept);
    folded += rows.length;
    if (!full) break;
  }
  const pruned = await repo.deleteBefore(new Date(now.getTime() - env().GPU_ROLLUP_RETENTION_DAYS * 86_400_000));
  return { folded, pruned };
}

export async function instanceMetrics(p: Principal, id: string, q: TMetricsQuery): Promise<TInstanceMetrics> {
  await getInstance(p, id); // 404 for another user's
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 3_600_000);
  const step = Math.max(q.step ?? 60, Math.ceil((to.getTime() - from.getTime()) / 1000 / MAX_POINTS));
  return {
    instanceId: id,
    from: from.toISOString(),
    to: to.toISOString(),
    step,
    points: bucketInstanceSamples(await repo.samplesBetween(id, from, to), from, step),
  };
}
