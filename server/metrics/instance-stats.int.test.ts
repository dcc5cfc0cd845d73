// Container stats history against a real running container and the real database: the
// collector samples it, its owner reads the history (others get 404), retention prunes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import { AppError } from "../http/errors";
import { runningInstance } from "../testing/running-instance";
import { instanceMetrics, pruneSamples, sampleRunning } from "./instance-stats.service";

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

  it("retention removes samples past GPU_ROLLUP_RETENTION_DAYS", async () => {
    await db().instanceSample.create({ data: { instanceId, ts: new Date(Date.now() - 31 * 86_400_000), cpuPercent: 1, memoryUsage: 1, memoryLimit: 1, networkRx: 0, networkTx: 0, blockRead: 0, blockWrite: 0, pids: 1 } });
    expect(await pruneSamples()).toBeGreaterThanOrEqual(1);
    expect(await db().instanceSample.count({ where: { instanceId, ts: { lt: new Date(Date.now() - 30 * 86_400_000) } } })).toBe(0);
  });
});
