// Creation when the engine's connection breaks (a proxy in front of the real engine drops a
// request, or loses Docker's answer): an instance is running, and billed, only from a
// container that really started; otherwise it fails with a reason saying what happened and
// is never charged.
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZCreateNodeRequest } from "@/lib/contracts/nodes";
import { ZCreateSpecRequest } from "@/lib/contracts/specs";
import type { Principal } from "../auth/principal";
import { meterAll } from "../billing/meter";
import { db } from "../db/client";
import * as images from "../images/images.service";
import * as nodes from "../nodes/nodes.service";
import * as specs from "../specs/specs.service";
import { type FlakyDocker, flakyDocker } from "../testing/flaky-docker";
import { APP_IMAGE } from "../testing/node-fixtures";
import { testUser } from "../testing/running-instance";
import { deleteInstance } from "./delete";
import { createInstance } from "./launch";
import { reconcileAll } from "./reconcile";
import { containerName } from "./workload";

const docker = new Docker({ socketPath: "/var/run/docker.sock" });
let flaky: FlakyDocker;
let owner: Principal;
let launchInput: { imageId: string; specId: string; nodeId: string };
const made: string[] = [];

beforeAll(async () => {
  flaky = await flakyDocker();
  await testUser("admin", "admin");
  owner = await testUser("owner");
  const node = await nodes.createNode(
    ZCreateNodeRequest.parse({ name: `flaky-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`, dockerAddress: flaky.address, cpuCores: 8, memoryGb: 8 }),
  );
  await db().node.update({ where: { id: node.id }, data: { status: "online" } });
  const image = await images.createImage({
    name: `app-${Date.now()}`,
    address: APP_IMAGE,
    description: null,
    source: null,
    supportMemorySplit: false,
    isListed: true,
    remark: null,
  });
  const spec = await specs.createSpec(ZCreateSpecRequest.parse({ name: `s-${Date.now()}`, cpuCores: 1, memoryGb: 1, pricePerHourCents: 3_600 }));
  launchInput = { imageId: image.id, specId: spec.id, nodeId: node.id };
});

afterAll(async () => {
  for (const id of made) await deleteInstance(owner, id).catch(() => undefined);
  await flaky.close();
});

async function launchAndSettle() {
  const created = await createInstance(owner, { name: "flaky", ...launchInput });
  made.push(created.id);
  for (let i = 0; i < 300; i++) {
    const row = await db().instance.findUniqueOrThrow({ where: { id: created.id } });
    if (row.status !== "creating") return row;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("creation did not settle");
}

const container = (id: string) =>
  docker
    .getContainer(containerName(id))
    .inspect()
    .catch(() => null);
const charges = (instanceId: string) => db().ledgerEntry.count({ where: { instanceId, kind: "usage", amountCents: { lt: 0 } } });

describe("creation on a flaky engine", () => {
  it("a create that never reached Docker: failed, saying the connection broke; no container, never billed", async () => {
    flaky.breakNext("POST", /\/containers\/create/, "before");
    const row = await launchAndSettle();
    expect(row.status).toBe("failed");
    expect(row.statusMessage).toMatch(
      /Could not create the container on node flaky-.*: The connection to Docker at the node's Docker address broke before Docker answered/,
    );
    expect(row.meteredUntil).toBeNull();
    expect(row.containerId).toBeNull();
    expect(await container(row.id)).toBeNull();
    expect(await db().allocation.count({ where: { instanceId: row.id } })).toBe(0);
    await meterAll(undefined, new Date(Date.now() + 5 * 60_000));
    expect(await charges(row.id)).toBe(0);
  });

  it("a start that never reached Docker: failed with the reason, its container removed, never billed", async () => {
    flaky.breakNext("POST", /\/containers\/[^/]+\/start/, "before");
    const row = await launchAndSettle();
    expect(row.status).toBe("failed");
    expect(row.statusMessage).toMatch(/broke before Docker answered/);
    expect(row.meteredUntil).toBeNull();
    // Removed right after the failure is recorded.
    await expect.poll(() => container(row.id), { timeout: 10_000 }).toBeNull();
    // The reconciler has nothing to say about it afterwards ("removed outside the console" was the old story).
    await reconcileAll(new AbortController().signal, 5_000);
    expect(await db().instance.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "failed", statusMessage: row.statusMessage });
    await meterAll(undefined, new Date(Date.now() + 5 * 60_000));
    expect(await charges(row.id)).toBe(0);
  });

  it("a start whose answer was lost: the engine ran it, so it is running and billed from the container's own start", async () => {
    flaky.breakNext("POST", /\/containers\/[^/]+\/start/, "after");
    const before = Date.now();
    const row = await launchAndSettle();
    expect(row.status).toBe("running");
    const c = (await container(row.id))!;
    expect(c.State.Running).toBe(true);
    expect(row.containerId).toBe(c.Id);
    const started = Date.parse(c.State.StartedAt);
    expect(row.meteredUntil!.getTime()).toBeGreaterThanOrEqual(before);
    expect(Math.abs(row.meteredUntil!.getTime() - started)).toBeLessThan(2_000);
    await reconcileAll(new AbortController().signal, 5_000);
    expect((await db().instance.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("running");
  });
});
