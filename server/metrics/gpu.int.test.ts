// GPU telemetry against the real sshd with the fixture nvidia-smi (real-format output,
// GPU 1 without a power reading) and the real database: polls, storage, history with
// retention folding, the overview, and a node without telemetry saying so once.
import { describe, expect, it } from "vitest";
import { ZCreateNodeRequest } from "@/lib/contracts/nodes";
import { db } from "../db/client";
import { on } from "../events";
import * as nodes from "../nodes/nodes.service";
import { LOCAL_DOCKER, SSH } from "../testing/node-fixtures";
import { instanceRow } from "../testing/instance-row";
import { applyRetention, gpuOverview, nodeMetrics, pollNode } from "./gpu.service";

let n = 0;

async function gpuNode(over: Record<string, unknown> = {}) {
  const created = await nodes.createNode(
    ZCreateNodeRequest.parse({
      name: `gpu-${++n}-${Date.now()}`,
      dockerAddress: LOCAL_DOCKER,
      privateIp: SSH.host,
      sshPort: SSH.port,
      sshUsername: SSH.username,
      sshPassword: SSH.password,
      gpuName: "NVIDIA GeForce RTX 4090",
      gpuCount: 2,
      gpuMemoryGb: 24,
      ...over,
    }),
  );
  await db().node.update({ where: { id: created.id }, data: { status: "online" } });
  return (await db().node.findUnique({ where: { id: created.id } }))!;
}

describe("GPU telemetry", () => {
  it("polls nvidia-smi over SSH, stores and pushes the readings, and serves them as history", async () => {
    const node = await gpuNode();
    const pushed: unknown[] = [];
    const off = on("gpu.sample", (e) => pushed.push(e));
    const readings = await pollNode(node);
    off();
    expect(readings).toHaveLength(2);
    expect(readings![1]).toMatchObject({ index: 1, powerW: null, utilization: 0 });
    expect(pushed).toEqual([expect.objectContaining({ nodeId: node.id, gpus: readings })]);
    expect(await db().gpuSample.count({ where: { nodeId: node.id } })).toBe(2);

    const history = await nodeMetrics(node.id, { from: new Date(Date.now() - 600_000).toISOString(), step: 60 });
    expect(history.problem).toBeNull();
    expect(history.gpus.map((g) => g.index)).toEqual([0, 1]);
    expect(history.gpus[0]!.points.at(-1)).toMatchObject({ utilization: 35, memoryUsedMb: 1024, temperature: 45, powerW: 120.5 });
    expect(history.gpus[1]!.points.at(-1)).toMatchObject({ utilization: 0, powerW: null });
  });

  it("a node without SSH credentials reports no telemetry once, on the node", async () => {
    const node = await gpuNode({ sshPassword: undefined, sshUsername: undefined, privateIp: undefined });
    expect(await pollNode(node)).toBeNull();
    const after = (await db().node.findUnique({ where: { id: node.id } }))!;
    expect(after.gpuTelemetryProblem).toMatch(/no GPU telemetry/);
    expect((await nodes.getNode(node.id)).gpuTelemetryProblem).toMatch(/No SSH credentials/);
    expect((await nodeMetrics(node.id, {})).problem).toMatch(/No SSH credentials/);
  });

  it("folds samples past their retention into one-minute averages that history still shows", async () => {
    const node = await gpuNode();
    const old = new Date(Date.now() - 26 * 3_600_000);
    const minute = new Date(Math.floor(old.getTime() / 60_000) * 60_000);
    await db().gpuSample.createMany({
      data: [10, 30].map((u, k) => ({
        nodeId: node.id,
        ts: new Date(minute.getTime() + k * 15_000),
        gpuIndex: 0,
        utilization: u,
        memoryUsedMb: 2000,
        memoryTotalMb: 24564,
        temperature: 50 + k,
        powerW: 200,
      })),
    });
    const { folded } = await applyRetention();
    expect(folded).toBeGreaterThanOrEqual(2);
    expect(await db().gpuSample.count({ where: { nodeId: node.id, ts: { lt: new Date(Date.now() - 25 * 3_600_000) } } })).toBe(0);
    const rollup = await db().gpuRollup.findFirst({ where: { nodeId: node.id } });
    expect(rollup).toMatchObject({ samples: 2, sumUtilization: 40, maxTemperature: 51 });
    const history = await nodeMetrics(node.id, {
      from: new Date(minute.getTime() - 60_000).toISOString(),
      to: new Date(minute.getTime() + 120_000).toISOString(),
      step: 60,
    });
    expect(history.gpus[0]!.points).toEqual([{ ts: minute.toISOString(), utilization: 20, memoryUsedMb: 2000, temperature: 51, powerW: 200 }]);
  });

  it("the overview counts nodes, busy and idle GPUs and the latest utilization", async () => {
    const node = await gpuNode();
    await pollNode(node);
    await db().allocation.create({ data: { nodeId: node.id, instanceId: await instanceRow(node.id), gpuIndex: 1, gpuMemoryGb: 24, exclusive: true } });
    const o = await gpuOverview();
    expect(o.nodes.online).toBeGreaterThanOrEqual(1);
    const heat = o.heat.find((h) => h.nodeId === node.id)!;
    expect(heat.gpus).toEqual([
      { index: 0, utilization: 35, held: false },
      { index: 1, utilization: 0, held: true },
    ]);
    expect(o.gpus.busy).toBeGreaterThanOrEqual(1);
    expect(o.gpus.total).toBe(o.gpus.busy + o.gpus.idle);
    expect(o.memoryTotalMb).toBeGreaterThanOrEqual(2 * 24564);
    expect(o.averageUtilization).not.toBeNull();
  });
});
