// Specs and where they fit: availability counts online, listed nodes with enough free GPUs,
// CPU and memory after what instances hold; users never see unlisted specs.
import { instanceRow } from "../testing/instance-row";
import { describe, expect, it } from "vitest";
import { ZCreateSpecRequest } from "@/lib/contracts/specs";
import { ZCreateNodeRequest } from "@/lib/contracts/nodes";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import type { AppError } from "../http/errors";
import { createNode } from "../nodes/nodes.service";
import * as specs from "./specs.service";

const admin: Principal = { userId: "a", username: "admin", role: "admin", via: "api-token" };
const user: Principal = { userId: "u", username: "user", role: "user", via: "api-token" };
const uniq = () => Math.random().toString(36).slice(2, 8);

async function gpuNode(status: "online" | "offline", over: Record<string, unknown> = {}) {
  const node = await createNode(
    ZCreateNodeRequest.parse({
      name: `g-${uniq()}`,
      dockerAddress: "unix:///var/run/docker.sock",
      cpuCores: 32,
      memoryGb: 128,
      gpuName: `Model-${tag}`,
      gpuCount: 2,
      gpuMemoryGb: 24,
      ...over,
    }),
  );
  await db().node.update({ where: { id: node.id }, data: { status } });
  return node;
}
const tag = uniq();

describe("availability", () => {
  it("counts nodes that fit now, and lists them with free capacity", async () => {
    const a = await gpuNode("online");
    const b = await gpuNode("online", { cpuCores: 4 });
    await gpuNode("offline");
    await gpuNode("online", { isListed: false });
    const spec = await specs.createSpec(
      ZCreateSpecRequest.parse({
        name: "2x",
        gpuModel: `NVIDIA Model-${tag}`,
        gpuCount: 2,
        gpuMemoryGb: 24,
        cpuCores: 8,
        memoryGb: 32,
        pricePerHourCents: 1000,
      }),
    );
    expect(spec.availableNodes).toBe(1);
    const listed = await specs.specNodes(user, spec.id);
    expect(listed.items.map((i) => i.nodeId)).toEqual([a.id]);
    expect(listed.items[0]!.free).toMatchObject({ wholeGpus: 2, cpuCores: 32, memoryGb: 128 });
    expect(b.id).not.toBe(a.id);

    await db().allocation.create({ data: { nodeId: a.id, instanceId: await instanceRow(a.id), gpuIndex: 0, gpuMemoryGb: 24, exclusive: true } });
    expect((await specs.getSpec(user, spec.id)).availableNodes).toBe(0);
    const oneGpu = await specs.createSpec(
      ZCreateSpecRequest.parse({ name: "1x", gpuModel: `Model-${tag}`, gpuCount: 1, gpuMemoryGb: 24, cpuCores: 2, memoryGb: 8, pricePerHourCents: 500 }),
    );
    expect(oneGpu.availableNodes).toBe(2);
    const free = (await specs.specNodes(user, oneGpu.id)).items.find((i) => i.nodeId === a.id)!.free;
    expect(free.wholeGpus).toBe(1);
    expect(free.gpuMemoryGb).toEqual([
      { index: 0, freeGb: 0 },
      { index: 1, freeGb: 24 },
    ]);
  });
});

describe("no node can ever run it, or all capable nodes are busy", () => {
  it("tells the two apart", async () => {
    const model = `Avail-${uniq()}`;
    const a = await gpuNode("online", { gpuName: model, gpuCount: 1, gpuMemoryGb: 24, cpuCores: 8, memoryGb: 32 });
    const make = (name: string, over: Record<string, unknown>) =>
      specs.createSpec(
        ZCreateSpecRequest.parse({
          name: `${name} ${uniq()}`,
          gpuModel: model,
          gpuCount: 1,
          gpuMemoryGb: 24,
          cpuCores: 2,
          memoryGb: 8,
          pricePerHourCents: 1,
          ...over,
        }),
      );
    const fits = await make("fits", {});
    expect(fits).toMatchObject({ availableNodes: 1, availability: "available" });
    // No listed node has that GPU model, that many GPUs, that much GPU memory, CPU or memory, even empty.
    for (const over of [{ gpuModel: `Other-${uniq()}` }, { gpuCount: 2 }, { gpuMemoryGb: 48 }, { cpuCores: 9 }, { memoryGb: 33 }]) {
      const never = await make("never", over);
      expect(never, JSON.stringify(over)).toMatchObject({ availableNodes: 0, availability: "none" });
      expect((await specs.specNodes(user, never.id)).availability).toBe("none");
    }
    // The only capable node is full: busy, not "never".
    await db().allocation.create({ data: { nodeId: a.id, instanceId: await instanceRow(a.id), gpuIndex: 0, gpuMemoryGb: 24, exclusive: true } });
    expect(await specs.getSpec(user, fits.id)).toMatchObject({ availableNodes: 0, availability: "busy" });
    expect(await specs.specNodes(user, fits.id)).toEqual({ items: [], availability: "busy" });
    // An offline capable node: not now, but not never either.
    await db().allocation.deleteMany({ where: { nodeId: a.id } });
    await db().node.update({ where: { id: a.id }, data: { status: "offline" } });
    expect(await specs.getSpec(user, fits.id)).toMatchObject({ availability: "busy" });
  });
});

describe("visibility and rules", () => {
  it("users see listed specs only", async () => {
    const hidden = await specs.createSpec(ZCreateSpecRequest.parse({ name: `hidden-${tag}`, cpuCores: 1, memoryGb: 1, pricePerHourCents: 1, isListed: false }));
    const err = await specs.getSpec(user, hidden.id).catch((e: unknown) => e);
    expect((err as AppError).status).toBe(404);
    expect((await specs.listSpecs(user, { page: 1, pageSize: 100, name: `hidden-${tag}` })).total).toBe(0);
    expect((await specs.listSpecs(admin, { page: 1, pageSize: 100, name: `hidden-${tag}` })).total).toBe(1);
  });

  it("names are unique, ignoring case", async () => {
    const name = `A100 x1 ${tag}`;
    const first = await specs.createSpec(ZCreateSpecRequest.parse({ name, cpuCores: 1, memoryGb: 1, pricePerHourCents: 1 }));
    const dup = (await specs
      .createSpec(ZCreateSpecRequest.parse({ name: name.toLowerCase(), cpuCores: 1, memoryGb: 1, pricePerHourCents: 1 }))
      .catch((e: unknown) => e)) as AppError;
    expect(dup.status).toBe(409);
    expect(dup.issues).toEqual([{ path: "name", message: "is already used by another spec", key: "serverMessages.issues.alreadyUsedSpec" }]);
    const second = await specs.createSpec(ZCreateSpecRequest.parse({ name: `${name} b`, cpuCores: 1, memoryGb: 1, pricePerHourCents: 1 }));
    expect(((await specs.updateSpec(admin, second.id, { name: name.toUpperCase() }).catch((e: unknown) => e)) as AppError).status).toBe(409);
    expect((await specs.updateSpec(admin, first.id, { name: name.toUpperCase() })).name).toBe(name.toUpperCase());
  });

  it("cross-field rules hold on update", async () => {
    const cpu = await specs.createSpec(ZCreateSpecRequest.parse({ name: "cpu", cpuCores: 2, memoryGb: 4, pricePerHourCents: 100 }));
    const err = (await specs.updateSpec(admin, cpu.id, { gpuCount: 1 }).catch((e: unknown) => e)) as AppError;
    expect(err.status).toBe(400);
    expect(err.issues?.map((i) => i.path).sort()).toEqual(["gpuMemoryGb", "gpuModel"]);
  });
});
