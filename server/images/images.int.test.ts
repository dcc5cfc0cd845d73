// Images against the real database and the local dockerd and registry: names unique ignoring
// case, warnings when an image exists nowhere, and whether each node can run an image
// (present, pulled on demand, or not after a failed pull).
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ZCreateNodeRequest } from "@/lib/contracts/nodes";
import { ZCreateSpecRequest } from "@/lib/contracts/specs";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import type { AppError } from "../http/errors";
import { createNode } from "../nodes/nodes.service";
import { specNodes, createSpec } from "../specs/specs.service";
import { LOCAL_DOCKER, LOCAL_IMAGE, REGISTRY } from "../testing/node-fixtures";
import { imageReadiness, PULL_FAILURE_TTL_MS, recordPullOutcome } from "./image-readiness";
import * as images from "./images.service";

const admin: Principal = { userId: "admin-test", username: "admin", role: "admin", via: "api-token" };
const user: Principal = { userId: "user-test", username: "user", role: "user", via: "api-token" };
const uniq = () => Math.random().toString(36).slice(2, 8);
const image = (name: string, address: string) =>
  images.createImage({ name, address, description: null, source: null, supportMemorySplit: false, isListed: true, remark: null });

async function onlineNode(over: Record<string, unknown> = {}) {
  const node = await createNode(ZCreateNodeRequest.parse({ name: `n-${uniq()}`, dockerAddress: LOCAL_DOCKER, cpuCores: 4, memoryGb: 8, ...over }));
  await db().node.update({ where: { id: node.id }, data: { status: "online" } });
  return (await db().node.findUniqueOrThrow({ where: { id: node.id } }))!;
}

async function drain(events: AsyncIterable<{ type: string }>) {
  const all = [];
  for await (const e of events) all.push(e);
  return all.at(-1);
}

describe("names", () => {
  it("are unique, ignoring case: 409 naming the field", async () => {
    const name = `PyTorch ${uniq()}`;
    const first = await image(name, LOCAL_IMAGE);
    const dup = (await image(name.toUpperCase(), LOCAL_IMAGE).catch((e: unknown) => e)) as AppError;
    expect(dup.status).toBe(409);
    expect(dup.issues).toEqual([{ path: "name", message: "is already used by another image", key: "serverMessages.issues.alreadyUsedImage" }]);
    const other = await image(`${name} b`, LOCAL_IMAGE);
    expect(((await images.updateImage(admin, other.id, { name: ` ${name.toLowerCase()}` }).catch((e: unknown) => e)) as AppError).status).toBe(409);
    expect((await images.updateImage(admin, first.id, { name: name.toLowerCase() })).name).toBe(name.toLowerCase());
  });
});

describe("saving an image that exists nowhere", () => {
  it("is allowed, with a warning naming why; an image a node has or can pull gets none", async () => {
    await onlineNode();
    const missing = `127.0.0.1:5000/aic/missing-${uniq()}:1`;
    const saved = await image(`missing ${uniq()}`, missing);
    expect(saved.warnings).toHaveLength(1);
    expect(saved.warnings[0]).toContain(`${missing} is on none of the online nodes, and they cannot pull it`);
    expect(saved.warnings[0]).toMatch(/manifest unknown|not found/i);
    expect((await image(`local ${uniq()}`, LOCAL_IMAGE)).warnings).toEqual([]);
    // Not on the engine, but its registry has it.
    const pushed = `${REGISTRY}/aic/saved:${uniq()}`;
    execFileSync("docker", ["tag", LOCAL_IMAGE, pushed]);
    execFileSync("docker", ["push", pushed], { stdio: "ignore" });
    execFileSync("docker", ["rmi", pushed], { stdio: "ignore" });
    expect((await image(`registry ${uniq()}`, pushed)).warnings).toEqual([]);
    // Changing the address checks the new one; other changes do not.
    const moved = await images.updateImage(admin, saved.id, { address: LOCAL_IMAGE });
    expect(moved.warnings).toEqual([]);
    expect((await images.updateImage(admin, saved.id, { remark: "x" })).warnings).toEqual([]);
  });
});

describe("readiness per node", () => {
  it("present: ready; absent and never pulled: ready (pulled on demand); absent after a failed pull: not ready, with the node and Docker's reason", async () => {
    const node = await onlineNode();
    const local = await image(`busybox ${uniq()}`, LOCAL_IMAGE);
    expect((await imageReadiness(local, [node])).get(node.id)).toEqual({ ready: true, present: true });

    const missingRef = `127.0.0.1:5000/aic/missing-${uniq()}:1`;
    const missing = await image(`missing ${uniq()}`, missingRef);
    // Saving it found that no node can pull it: launches leave the node out at once, saying why.
    const checked = (await imageReadiness(missing, [node])).get(node.id)!;
    expect(checked).toMatchObject({ ready: false, present: false });
    expect(checked.reason).toMatch(/checked when the image was saved: .*(manifest unknown|not found)/i);
    // Absent and never failed: pulled on demand.
    await recordPullOutcome(missing.id, node.id, true, null);
    expect((await imageReadiness(missing, [node])).get(node.id)).toEqual({ ready: true, present: false });

    const last = await drain(await images.pullToNode(admin, missing.id, node.id));
    expect(last).toMatchObject({ type: "error" });
    const after = (await imageReadiness(missing, [node])).get(node.id)!;
    expect(after.ready).toBe(false);
    expect(after.present).toBe(false);
    expect(after.reason).toContain(`${missingRef} is not on node ${node.name}, and pulling it there failed`);
    expect(after.reason).toMatch(/manifest unknown|not found/i);

    // The admin's image panel and the launch wizard's node list flag it the same way.
    const panel = (await images.imagePresenceByNode(admin, missing.id)).items.find((i) => i.nodeId === node.id)!;
    expect(panel).toMatchObject({ present: false, ready: false, reason: after.reason, lastPull: { ok: false } });
    const spec = await createSpec(ZCreateSpecRequest.parse({ name: `cpu ${uniq()}`, cpuCores: 1, memoryGb: 1, pricePerHourCents: 1 }));
    const offered = (await specNodes(user, spec.id, missing.id)).items.find((i) => i.nodeId === node.id)!;
    expect(offered.image).toMatchObject({ ready: false, present: false });
    expect(offered.image!.reason).toContain(node.name);
    expect(offered.image!.reason).not.toMatch(/manifest/);
    const asAdmin = (await specNodes(admin, spec.id, missing.id)).items.find((i) => i.nodeId === node.id)!;
    expect(asAdmin.image!.reason).toBe(after.reason);
    expect((await specNodes(user, spec.id, local.id)).items.find((i) => i.nodeId === node.id)!.image).toEqual({ ready: true, present: true, reason: null });

    // A success (the lead's instance pulls report through recordPullOutcome), an old failure or a new address clear it.
    await recordPullOutcome(missing.id, node.id, true, null);
    expect((await imageReadiness(missing, [node])).get(node.id)!.ready).toBe(true);
    await recordPullOutcome(missing.id, node.id, false, "pulling it failed: server error");
    expect((await imageReadiness(missing, [node])).get(node.id)!.reason).toContain("pulling it failed: server error");
    await db().imageNodeState.updateMany({ where: { imageId: missing.id }, data: { lastPullAt: new Date(Date.now() - PULL_FAILURE_TTL_MS - 60_000) } });
    expect((await imageReadiness(missing, [node])).get(node.id)!.ready).toBe(true);
    await recordPullOutcome(missing.id, node.id, false, "again");
    // A new address: the old failure no longer counts (the new one is checked on its own).
    const pullable = `${REGISTRY}/aic/moved:${uniq()}`;
    execFileSync("docker", ["tag", LOCAL_IMAGE, pullable]);
    execFileSync("docker", ["push", pullable], { stdio: "ignore" });
    execFileSync("docker", ["rmi", pullable], { stdio: "ignore" });
    await images.updateImage(admin, missing.id, { address: pullable });
    const changed = (await images.getImage(admin, missing.id))!;
    expect((await imageReadiness(changed, [node])).get(node.id)).toEqual({ ready: true, present: false });
  });

  it("a node that does not answer is not ready, and says so", async () => {
    const dead = await onlineNode({ dockerAddress: "tcp://127.0.0.1:1" });
    const local = await image(`busybox ${uniq()}`, LOCAL_IMAGE);
    const r = (await imageReadiness(local, [dead])).get(dead.id)!;
    expect(r).toMatchObject({ ready: false, present: false });
    expect(r.reason).toContain(`Node ${dead.name} did not answer`);
  });
});
