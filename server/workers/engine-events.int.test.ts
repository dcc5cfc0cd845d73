// Engine events on the real engine: a container killed behind the console's back is
// recorded within a moment through its node's event stream, without a periodic pass.
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { runningInstance } from "../testing/running-instance";
import { syncEngineWatches, watchedNodes } from "./engine-events";
import { containerName } from "../instances/workload";

const abort = new AbortController();
const cleanUps: (() => Promise<void>)[] = [];

afterAll(async () => {
  abort.abort();
  for (const c of cleanUps) await c();
});

describe("engine events", () => {
  it("a killed container is recorded as exited within seconds, from the event, not the periodic pass", async () => {
    const { instanceId, cleanUp } = await runningInstance();
    cleanUps.push(cleanUp);
    const { nodeId } = await db().instance.findUniqueOrThrow({ where: { id: instanceId }, select: { nodeId: true } });
    const node = await db().node.findUniqueOrThrow({ where: { id: nodeId! } });
    syncEngineWatches([node], abort.signal);
    expect(watchedNodes()).toContain(node.id);
    // Give the watch a moment to open its stream.
    await new Promise((r) => setTimeout(r, 500));

    const killed = Date.now();
    execFileSync("docker", ["kill", containerName(instanceId)], { stdio: "ignore" });
    let row = await db().instance.findUniqueOrThrow({ where: { id: instanceId } });
    while (row.status === "running" && Date.now() - killed < 10_000) {
      await new Promise((r) => setTimeout(r, 100));
      row = await db().instance.findUniqueOrThrow({ where: { id: instanceId } });
    }
    expect(row).toMatchObject({ status: "exited", exitCode: 137 });
    expect(row.statusMessage).toMatch(/killed/);

    // A node that goes offline is no longer watched.
    syncEngineWatches([{ ...node, status: "offline" }], abort.signal);
    expect(watchedNodes()).not.toContain(node.id);
  });
});
