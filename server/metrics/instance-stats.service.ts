import "server-only";
import type { TInstanceMetrics, TMetricsQuery } from "@/lib/contracts/metrics";
import type { Principal } from "../auth/principal";
import { containerStats } from "../adapters/containers";
import { env } from "../env";
import { getInstance, runningContainers } from "../instances/instances.service";
import { logger } from "../logger";
import * as repo from "./instance-stats.repo";

// History of running instances' container stats: the collector samples each one every
// INSTANCE_STATS_SEC (a minute by default: the samples are the one-minute history) and keeps
// them GPU_ROLLUP_RETENTION_DAYS; GET /instances/{id}/metrics buckets them by step.

const PARALLEL = 8;
const MAX_POINTS = 2000;

export async function sampleRunning(signal: AbortSignal): Promise<number> {
  const targets = await runningContainers();
  let n = 0;
  for (let i = 0; i < targets.length && !signal.aborted; i += PARALLEL) {
    await Promise.all(
      targets.slice(i, i + PARALLEL).map(async (t) => {
        try {
          await repo.insertSample(t.instanceId, await containerStats(t.d, t.containerId));
          n++;
        } catch (err) {
          logger.debug({ instanceId: t.instanceId, err: String(err) }, "stats sample skipped");
        }
      }),
    );
  }
  return n;
}

export async function pruneSamples(now = new Date()): Promise<number> {
  return repo.deleteBefore(new Date(now.getTime() - env().GPU_ROLLUP_RETENTION_DAYS * 86_400_000));
}

type Row = Awaited<ReturnType<typeof repo.samplesBetween>>[number];

/** Averages per step; counters (network, block IO) as the last value in each step. Pure. */
export function bucketInstanceSamples(rows: Row[], from: Date, step: number): TInstanceMetrics["points"] {
  const slots = new Map<number, Row[]>();
  for (const r of rows) {
    const slot = Math.floor((r.ts.getTime() - from.getTime()) / (step * 1000));
    slots.set(slot, [...(slots.get(slot) ?? []), r]);
  }
  const avg = (xs: Row[], f: (r: Row) => number) => xs.reduce((s, r) => s + f(r), 0) / xs.length;
  return [...slots.entries()]
    .sort(([a], [b]) => a - b)
    .map(([slot, xs]) => {
      const last = xs.at(-1)!;
      return {
        ts: new Date(from.getTime() + slot * step * 1000).toISOString(),
        cpuPercent: Math.round(avg(xs, (r) => r.cpuPercent) * 100) / 100,
        memoryUsage: Math.round(avg(xs, (r) => r.memoryUsage)),
        memoryLimit: last.memoryLimit,
        networkRx: last.networkRx,
        networkTx: last.networkTx,
        blockRead: last.blockRead,
        blockWrite: last.blockWrite,
        pids: last.pids,
      };
    });
}

export async function instanceMetrics(p: Principal, id: string, q: TMetricsQuery): Promise<TInstanceMetrics> {
  await getInstance(p, id); // 404 for another user's
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 3_600_000);
  const step = Math.max(q.step ?? 60, Math.ceil((to.getTime() - from.getTime()) / 1000 / MAX_POINTS));
  return { instanceId: id, from: from.toISOString(), to: to.toISOString(), step, points: bucketInstanceSamples(await repo.samplesBetween(id, from, to), from, step) };
}
