// Container stats history against a real running container and the real database: the
// collector samples it, its owner reads the history (others get 404), retention prunes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import { AppError } from "../http/errors";
import { runningInstance } from "../testing/running-instance";
import { applyInstanceRetention, instanceMetrics, sampleRunning } from "./instance-stats.service";

let owner: Principal;
let other: Principal;
let instanceId: string;
let cleanUp: () => Promise<void>;

beforeAll(async () => {
  ({ owner, other, instanceId, cleanUp } = await runningInstance());
});
afterAll(() => cleanUp());

describe("instance stats history", () => {
  it("samples running containers and serves their history to the owner only", async () => {
    const signal = new AbortController().signal;
    expect(await sampleRunning(signal)).toBeGreaterThanOrEqual(1);
    expect(await sampleRunning(signal)).toBeGreaterThanOrEqual(1);
    const history = await instanceMetrics(owner, instanceId, { from: new Date(Date.now() - 600_000).toISOString(), step: 60 });
    expect(history.points.length).toBeGreaterThanOrEqual(1);
    const last = history.points.at(-1)!;
    expect(last.memoryLimit).toBe(2 ** 30);
    expect(last.pids).toBeGreaterThan(0);
    expect(last.memoryUsage).toBeGreaterThan(0);
    const err = await instanceMetrics(other, instanceId, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("NOT_FOUND");
  });

  it("records the GPUs the instance holds from its node's latest readings", async () => {
    const row = await db().instance.findUniqueOrThrow({ where: { id: instanceId } });
    await db().allocation.create({ data: { nodeId: row.nodeId!, instanceId, gpuIndex: 0, gpuMemoryGb: 12, exclusive: false } });
    await db().gpuSample.createMany({
      data: [
        { nodeId: row.nodeId!, ts: new Date(), gpuIndex: 0, utilization: 64, memoryUsedMb: 3000, memoryTotalMb: 24_564 },
        { nodeId: row.nodeId!, ts: new Date(), gpuIndex: 1, utilization: 5, memoryUsedMb: 100, memoryTotalMb: 24_564 },
      ],
    });
    const since = new Date();
    await sampleRunning(new AbortController().signal);
    const sample = await db().instanceSample.findFirstOrThrow({
      where: { instanceId, ts: { gte: new Date(since.getTime() - 5_000) } },
      orderBy: { ts: "desc" },
    });
    expect(sample).toMatchObject({ gpuUtilization: 64, gpuMemoryUsedMb: 3000, gpuMemoryLimitMb: 12 * 1024 });
    const history = await instanceMetrics(owner, instanceId, { from: new Date(Date.now() - 600_000).toISOString(), step: 1 });
    expect(history.points.at(-1)).toMatchObject({ gpuUtilization: 64, gpuMemoryLimitMb: 12 * 1024 });
  });

  it("retention folds samples older than a day into minute averages and drops those past 30 days", async () => {
    const sample = (ts: Date, cpu: number) => ({
      instanceId,
      ts,
      cpuPercent: cpu,
      memoryUsage: cpu * 10,
      memoryLimit: 1000,
      networkRx: cpu,
      networkTx: 0,
      blockRead: 0,
      blockWrite: 0,
      pids: 1,
    });
    const minute = new Date(Math.floor((Date.now() - 2 * 86_400_000) / 60_000) * 60_000);
    const at = (s: number) => new Date(minute.getTime() + s * 1000);
    const recent = new Date(Date.now() - 3_600_000);
    await db().instanceSample.createMany({
      data: [
        sample(at(0), 10),
        sample(at(20), 20),
        sample(at(40), 60),
        sample(at(65), 5),
        sample(recent, 1),
        sample(new Date(recent.getTime() + 10_000), 3),
        sample(new Date(Date.now() - 31 * 86_400_000), 1),
      ],
    });
    const r = await applyInstanceRetention();
    expect(r.pruned).toBeGreaterThanOrEqual(1);
    const old = await db().instanceSample.findMany({ where: { instanceId, ts: { gte: at(-1), lt: at(120) } }, orderBy: { ts: "asc" } });
    expect(old.map((s) => [s.ts.toISOString(), s.cpuPercent, s.networkRx, s.folded])).toEqual([
      [at(0).toISOString(), 30, 60, true],
      [at(65).toISOString(), 5, 5, true], // a lone sample stays as it was
    ]);
    // Within a day samples stay raw; past 30 days they are gone.
    expect(await db().instanceSample.count({ where: { instanceId, ts: { gte: recent, lte: new Date(recent.getTime() + 10_000) } } })).toBe(2);
    expect(await db().instanceSample.count({ where: { instanceId, ts: { lt: new Date(Date.now() - 30 * 86_400_000) } } })).toBe(0);
    // Idempotent: a second pass changes nothing.
    await applyInstanceRetention();
    expect(await db().instanceSample.count({ where: { instanceId, ts: { gte: at(-1), lt: at(120) } } })).toBe(2);
  });
});
