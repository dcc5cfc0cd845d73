// Instances against the real database (SQLite and PostgreSQL) and the real local dockerd,
// with an image made locally (local/aic-app): the whole lifecycle, what Docker really got,
// atomic placement under concurrency, reconciliation and interrupted creations.
import { execFileSync } from "node:child_process";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZCreateNodeRequest } from "@/lib/contracts/nodes";
import { ZCreateSpecRequest, type TCreateSpecRequest } from "@/lib/contracts/specs";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import { AppError } from "../http/errors";
import { recordPullOutcome } from "../images/image-readiness";
import * as images from "../images/images.service";
import * as nodes from "../nodes/nodes.service";
import * as specs from "../specs/specs.service";
import { APP_IMAGE, LOCAL_DOCKER } from "../testing/node-fixtures";
import { containerName, LABELS, volumeName } from "./workload";
import { deleteInstance } from "./delete";
import * as service from "./instances.service";
import { createInstance } from "./launch";
import { instanceLogDownload, instanceLogs } from "./logs";
import { restartInstance } from "./restart";
import { startInstance } from "./start";
import { instanceStats } from "./stats";
import { stopInstance } from "./stop";
import { reconcileAll } from "./reconcile";

const instances = {
  ...service,
  createInstance,
  deleteInstance,
  instanceLogDownload,
  instanceLogs,
  restartInstance,
  startInstance,
  instanceStats,
  stopInstance,
};
import { fund } from "../testing/funds";

const docker = new Docker({ socketPath: "/var/run/docker.sock" });
const run = `${Date.now().toString(36)}`;
let admin: Principal;
let alice: Principal;
let bob: Principal;
const made: string[] = [];

async function user(name: string, role: "admin" | "user" = "user"): Promise<Principal> {
  const u = await db().user.create({ data: { username: `${name}-${run}`, email: `${name}-${run}@test.local`, passwordHash: "x", role } });
  await fund(u.id);
  return { userId: u.id, username: u.username, role, via: "api-token" };
}

async function node(over: Record<string, unknown> = {}) {
  const n = await nodes.createNode(
    ZCreateNodeRequest.parse({
      name: `local-${run}-${made.length}-${Math.random().toString(36).slice(2, 6)}`,
      dockerAddress: LOCAL_DOCKER,
      cpuCores: 8,
      memoryGb: 16,
      ...over,
    }),
  );
  await db().node.update({ where: { id: n.id }, data: { status: "online" } });
  return n;
}

async function spec(over: Partial<TCreateSpecRequest> = {}) {
  return specs.createSpec(
    ZCreateSpecRequest.parse({
      name: `cpu-1-${made.length}-${Math.random().toString(36).slice(2, 6)}`,
      cpuCores: 1,
      memoryGb: 1,
      pricePerHourCents: 100,
      ...over,
    }),
  );
}

async function launch(p: Principal, imageId: string, specId: string, nodeId: string, name = "train") {
  const i = await instances.createInstance(p, { name, imageId, specId, nodeId });
  made.push(i.id);
  return i;
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const statusOf = async (id: string) => (await db().instance.findUnique({ where: { id } }))!.status;
const reachStatus = (id: string, status: string) => until(`${status}`, async () => (await statusOf(id)) === status);
const inspect = (id: string) =>
  docker
    .getContainer(containerName(id))
    .inspect()
    .catch(() => null);
const volumeExists = (id: string) =>
  docker
    .getVolume(volumeName(id))
    .inspect()
    .then(
      () => true,
      () => false,
    );
const allocations = (instanceId: string) => db().allocation.count({ where: { instanceId } });

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

let image: Awaited<ReturnType<typeof images.createImage>>;

beforeAll(async () => {
  admin = await user("admin", "admin");
  alice = await user("alice");
  bob = await user("bob");
  image = await images.createImage({
    name: "aic-app",
    address: APP_IMAGE,
    description: null,
    source: null,
    supportMemorySplit: false,
    isListed: true,
    remark: null,
  });
});

afterAll(async () => {
  for (const id of made) {
    await docker
      .getContainer(containerName(id))
      .remove({ force: true })
      .catch(() => undefined);
    await docker
      .getVolume(volumeName(id))
      .remove()
      .catch(() => undefined);
  }
});

describe("lifecycle on the real engine", () => {
  it("creates, runs with the limits and labels it should, stops, starts, restarts and deletes", async () => {
    const n = await node();
    const s = await spec({ cpuCores: 2, memoryGb: 1 });
    const created = await launch(alice, image.id, s.id, n.id, "Lifecycle Test");
    expect(created).toMatchObject({
      status: "creating",
      nodeId: n.id,
      cpuCores: 2,
      memoryGb: 1,
      pricePerHourCents: 100,
      username: alice.username,
      dataPath: "/root/data",
    });
    await reachStatus(created.id, "running");

    const c = (await inspect(created.id))!;
    expect(c.State.Running).toBe(true);
    expect(c.HostConfig).toMatchObject({ Memory: 2 ** 30, MemorySwap: 2 ** 30, NanoCpus: 2e9, PidsLimit: 4096, Privileged: false });
    expect(c.HostConfig.SecurityOpt).toContain("no-new-privileges:true");
    expect(c.HostConfig.CapAdd ?? []).toEqual([]);
    expect(c.HostConfig.CapDrop).toEqual(expect.arrayContaining(["NET_RAW", "MKNOD"]));
    // On its owner's network only, never Docker's shared default bridge.
    expect(c.HostConfig.NetworkMode).toBe(`aic-net-${alice.userId}`);
    expect(Object.keys(c.NetworkSettings.Networks)).toEqual([`aic-net-${alice.userId}`]);
    expect(c.Config.Labels).toMatchObject({ [LABELS.instance]: created.id, [LABELS.user]: alice.userId, [LABELS.managed]: "true" });
    expect(c.Config.Hostname).toBe("lifecycle-test");
    expect(c.Mounts).toEqual([expect.objectContaining({ Type: "volume", Name: volumeName(created.id), Destination: "/root/data" })]);
    expect(JSON.stringify(c.Mounts)).not.toContain("docker.sock");

    const logs = await until("logs", async () => {
      const l = await instances.instanceLogs(alice, created.id, { tail: 100 });
      return l.lines.length >= 2 && l;
    });
    expect(logs.lines.map((l) => l.text)).toEqual(expect.arrayContaining(["aic-app started on lifecycle-test", "aic-app stderr line"]));
    const stats = await instances.instanceStats(alice, created.id);
    expect(stats.memoryLimit).toBe(2 ** 30);
    expect(stats.pids).toBeGreaterThan(0);

    const running = await instances.getInstance(alice, created.id);
    expect(running).toMatchObject({ status: "running", containerId: c.Id });
    expect(await allocations(created.id)).toBe(1);

    const stopped = await instances.stopInstance(alice, created.id);
    expect(stopped.status).toBe("stopped");
    expect((await inspect(created.id))!.State.Running).toBe(false);
    expect(await allocations(created.id)).toBe(0);
    // Stop again: already stopped, same answer.
    expect((await instances.stopInstance(alice, created.id)).status).toBe("stopped");

    // Data survives stop/start: write a file, restart, read it back.
    const started = await instances.startInstance(alice, created.id, { withoutGpu: false });
    expect(started.status).toBe("running");
    expect(await allocations(created.id)).toBe(1);
    execFileSync("docker", ["exec", containerName(created.id), "sh", "-c", "echo kept > /root/data/f"]);
    const restarted = await instances.restartInstance(alice, created.id);
    expect(restarted.status).toBe("running");
    expect(execFileSync("docker", ["exec", containerName(created.id), "cat", "/root/data/f"], { encoding: "utf8" }).trim()).toBe("kept");

    const download = await instances.instanceLogDownload(alice, created.id, false);
    let text = "";
    for await (const chunk of download.stream) text += String(chunk);
    expect(text).toContain("aic-app started on lifecycle-test");
    expect(text).toContain("aic-app stopping");

    await instances.deleteInstance(alice, created.id);
    expect(await inspect(created.id)).toBeNull();
    expect(await volumeExists(created.id)).toBe(false);
    expect(await allocations(created.id)).toBe(0);
    expect(await statusOf(created.id)).toBe("deleted");
    // Idempotent.
    await instances.deleteInstance(alice, created.id);
    expect((await rejection(instances.getInstance(alice, created.id))).code).toBe("NOT_FOUND");
  });

  it("delete works when the container is already gone", async () => {
    const n = await node();
    const s = await spec();
    const i = await launch(alice, image.id, s.id, n.id);
    await reachStatus(i.id, "running");
    execFileSync("docker", ["rm", "-f", containerName(i.id)]);
    await instances.deleteInstance(alice, i.id);
    expect(await statusOf(i.id)).toBe("deleted");
    expect(await volumeExists(i.id)).toBe(false);
  });

  it("fails with Docker's reason when the image is on no registry", async () => {
    const n = await node();
    const s = await spec();
    const missing = await images.createImage({
      name: "missing",
      address: "127.0.0.1:5000/aic/no-such-image:1",
      description: null,
      source: null,
      supportMemorySplit: false,
      isListed: true,
      remark: null,
    });
    // Saving it found that no node can pull it: a launch is refused at once, saying why.
    const refused = await rejection(instances.createInstance(admin, { name: "at-once", imageId: missing.id, specId: s.id, nodeId: n.id }));
    expect(refused.message).toMatch(/checked when the image was saved: .*(not found|manifest unknown)/i);
    // Had the check said otherwise (a registry that was down then), the pull fails with Docker's reason.
    await recordPullOutcome(missing.id, n.id, true, null);
    const i = await launch(alice, missing.id, s.id, n.id);
    await reachStatus(i.id, "failed");
    const row = await instances.getInstance(alice, i.id);
    expect(row.statusMessage).toMatch(/127\.0\.0\.1:5000\/aic\/no-such-image:1 is not on node .* pulling it failed: .*(not found|manifest unknown)/i);
    expect(await allocations(i.id)).toBe(0);

    // That node is no longer offered for the image: the next launch is refused at once, saying
    // why (administrators get the engine's words; users the node's name only).
    const again = await rejection(instances.createInstance(alice, { name: "again", imageId: missing.id, specId: s.id, nodeId: n.id }));
    expect(again.code).toBe("NO_CAPACITY");
    expect(again.message).toBe(`No node can run image missing now: the image cannot be used on node ${n.name} right now`);
    const forAdmin = await rejection(instances.createInstance(admin, { name: "again", imageId: missing.id, specId: s.id, nodeId: n.id }));
    expect(forAdmin.message).toMatch(
      new RegExp(`No node can run image missing now: .*is not on node ${n.name}, and pulling it there failed .*(not found|manifest unknown)`, "i"),
    );
  });
});

describe("placement", () => {
  it("20 simultaneous launches on a node with room for 3: exactly 3 placed, the rest 409 NO_CAPACITY", async () => {
    const n = await node({ cpuCores: 3, memoryGb: 64 });
    const s = await spec({ cpuCores: 1, memoryGb: 1 });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, k) => launch(bob, image.id, s.id, n.id, `c-${k}`)));
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(3);
    expect(refused).toHaveLength(17);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(AppError);
      expect(r.reason.code).toBe("NO_CAPACITY");
      expect(r.reason.message).toMatch(/needs 1 more CPU cores/);
    }
    const held = await db().allocation.aggregate({ where: { nodeId: n.id }, _sum: { cpuCores: true }, _count: true });
    expect(held._sum.cpuCores).toBe(3);
    expect(await db().instance.count({ where: { nodeId: n.id } })).toBe(3);
    for (const r of ok) await reachStatus((r as PromiseFulfilledResult<{ id: string }>).value.id, "running");
  });

  it("picks a node by itself, and refuses with what is missing when none fits", async () => {
    const s = await spec({ cpuCores: 1, memoryGb: 1 });
    await node();
    const i = await instances.createInstance(alice, { name: "auto", imageId: image.id, specId: s.id });
    made.push(i.id);
    expect(i.nodeId).not.toBeNull();
    const huge = await spec({ cpuCores: 999, memoryGb: 1 });
    const err = await rejection(instances.createInstance(alice, { name: "huge", imageId: image.id, specId: huge.id }));
    expect(err.code).toBe("NO_CAPACITY");
    expect(err.message).toMatch(/needs \d+ more CPU cores/);
  });

  it("a GPU instance whose GPU is taken can start without GPU, keeping its data volume", async () => {
    const n = await node({ gpuName: "NVIDIA Test GPU", gpuCount: 1, gpuMemoryGb: 16 });
    const gpuSpec = await spec({ gpuModel: "Test GPU", gpuCount: 1, gpuMemoryGb: 16 });
    const i = await launch(alice, image.id, gpuSpec.id, n.id, "gpu");
    expect(i.gpus).toEqual([{ index: 0, memoryGb: 16, exclusive: true }]);
    // No GPU driver on this machine: Docker refuses the device request, in its own words.
    await reachStatus(i.id, "failed");
    expect((await instances.getInstance(alice, i.id)).statusMessage).toMatch(/nvidia|device driver/i);
    expect(await allocations(i.id)).toBe(0);

    // Someone else holds the GPU now.
    const other = await launch(bob, image.id, gpuSpec.id, n.id, "holder");
    await reachStatus(other.id, "failed");
    await db().allocation.create({ data: { nodeId: n.id, instanceId: other.id, gpuIndex: 0, gpuMemoryGb: 16, exclusive: true } });
    const err = await rejection(instances.startInstance(alice, i.id, { withoutGpu: false }));
    expect(err.code).toBe("NO_CAPACITY");
    expect(err.message).toMatch(/1 more free GPU.*withoutGpu/);
    expect(err.issues).toEqual([{ path: "withoutGpu", message: expect.any(String), key: "serverMessages.capacity.withoutGpuIssue" }]);

    const started = await instances.startInstance(alice, i.id, { withoutGpu: true });
    expect(started).toMatchObject({ status: "running", withoutGpu: true, gpus: [] });
    const c = (await inspect(i.id))!;
    expect(c.HostConfig.DeviceRequests ?? []).toEqual([]);
    expect(c.Mounts[0]!.Name).toBe(volumeName(i.id));
  });
});

describe("reconciliation", () => {
  it("a container killed or removed with the docker CLI is reflected after one pass", async () => {
    const n = await node();
    const s = await spec();
    const a = await launch(alice, image.id, s.id, n.id, "killed");
    const b = await launch(alice, image.id, s.id, n.id, "removed");
    await reachStatus(a.id, "running");
    await reachStatus(b.id, "running");
    execFileSync("docker", ["kill", containerName(a.id)]);
    execFileSync("docker", ["rm", "-f", containerName(b.id)]);
    await reconcileAll(new AbortController().signal, 5_000);
    expect(await instances.getInstance(alice, a.id)).toMatchObject({ status: "exited", exitCode: 137 });
    const removed = await instances.getInstance(alice, b.id);
    expect(removed.status).toBe("failed");
    expect(removed.statusMessage).toMatch(/removed outside the console/);
    expect(await allocations(a.id)).toBe(0);
    expect(await allocations(b.id)).toBe(0);
    // A removed container comes back on start, on the same volume.
    expect((await instances.startInstance(alice, b.id, { withoutGpu: false })).status).toBe("running");
  });

  it("instances of an unreachable node are unknown until it answers again", async () => {
    const n = await node();
    const s = await spec();
    const i = await launch(alice, image.id, s.id, n.id);
    await reachStatus(i.id, "running");
    await db().node.update({ where: { id: n.id }, data: { dockerAddress: "unix:///nonexistent/docker.sock" } });
    await reconcileAll(new AbortController().signal, 2_000);
    const unknown = await instances.getInstance(alice, i.id);
    expect(unknown).toMatchObject({ status: "unknown", statusMessage: `Node ${n.name} is unreachable: No Docker socket at the node's Docker address` });
    // The node's address is for administrators, not in what its users read.
    expect(unknown.statusMessage).not.toContain("nonexistent");
    await db().node.update({ where: { id: n.id }, data: { dockerAddress: LOCAL_DOCKER } });
    await reconcileAll(new AbortController().signal, 2_000);
    expect((await instances.getInstance(alice, i.id)).status).toBe("running");
  });

  it("containers with our labels and no instance are reported on the node, not removed", async () => {
    const n = await node();
    const s = await spec();
    const i = await launch(alice, image.id, s.id, n.id, "orphan");
    await reachStatus(i.id, "running");
    // The row disappears behind the console's back (e.g. a restored backup).
    await db().instance.delete({ where: { id: i.id } });
    await reconcileAll(new AbortController().signal, 5_000);
    const reported = await nodes.getNode(n.id);
    expect(reported.unmanagedContainers).toEqual(
      expect.arrayContaining([expect.objectContaining({ instanceId: i.id, name: containerName(i.id), state: "running" })]),
    );
    expect((await inspect(i.id))!.State.Running).toBe(true);
  });

  it("deleting on an unreachable node frees the allocation at once; the container goes when the node answers", async () => {
    const n = await node();
    const s = await spec();
    const i = await launch(alice, image.id, s.id, n.id, "far-away");
    await reachStatus(i.id, "running");
    await db().node.update({ where: { id: n.id }, data: { dockerAddress: "unix:///nonexistent/docker.sock" } });
    await instances.deleteInstance(alice, i.id);
    expect(await statusOf(i.id)).toBe("deleted");
    expect(await allocations(i.id)).toBe(0);
    expect((await inspect(i.id))!.State.Running).toBe(true);
    await db().node.update({ where: { id: n.id }, data: { dockerAddress: LOCAL_DOCKER } });
    await reconcileAll(new AbortController().signal, 5_000);
    expect(await inspect(i.id)).toBeNull();
    expect(await volumeExists(i.id)).toBe(false);
    // Not reported as unmanaged: it was ours, and now it is gone.
    expect((await nodes.getNode(n.id)).unmanagedContainers).not.toContainEqual(expect.objectContaining({ instanceId: i.id }));
  });

  it("deleting a creation whose process died removes its container too", async () => {
    const n = await node();
    const s = await spec();
    const i = await launch(alice, image.id, s.id, n.id, "orphaned-then-deleted");
    await reachStatus(i.id, "running");
    await db().instance.update({ where: { id: i.id }, data: { status: "creating", leaseOwner: "dead-process", leaseUntil: new Date(Date.now() + 60_000) } });
    await instances.deleteInstance(alice, i.id);
    expect(await statusOf(i.id)).toBe("deleted");
    expect(await inspect(i.id)).toBeNull();
    expect(await allocations(i.id)).toBe(0);
    // The dead process's claim cannot bring it back.
    await reconcileAll(new AbortController().signal, 5_000);
    expect(await statusOf(i.id)).toBe("deleted");
  });

  it("a stopped instance that still holds allocations (an operation died) is freed by the reconciler", async () => {
    const n = await node();
    const s = await spec();
    const i = await launch(alice, image.id, s.id, n.id, "leaky");
    await reachStatus(i.id, "running");
    await instances.stopInstance(alice, i.id);
    await db().allocation.create({ data: { nodeId: n.id, instanceId: i.id, cpuCores: 1, memoryGb: 1 } });
    await reconcileAll(new AbortController().signal, 5_000);
    expect(await allocations(i.id)).toBe(0);
    expect(await statusOf(i.id)).toBe("stopped");
  });

  it("creations interrupted by a dead process end running (container up) or failed", async () => {
    const n = await node();
    const s = await spec();
    const up = await launch(alice, image.id, s.id, n.id, "adopted");
    await reachStatus(up.id, "running");
    const past = new Date(Date.now() - 60_000);
    await db().instance.update({ where: { id: up.id }, data: { status: "creating", leaseOwner: "dead-process", leaseUntil: past } });
    // And one whose process died before its container existed.
    const down = await launch(alice, image.id, s.id, n.id, "orphaned-create");
    await reachStatus(down.id, "running");
    execFileSync("docker", ["rm", "-f", containerName(down.id)]);
    await db().instance.update({ where: { id: down.id }, data: { status: "creating", leaseOwner: "dead-process", leaseUntil: past } });

    await reconcileAll(new AbortController().signal, 5_000);
    expect((await instances.getInstance(alice, up.id)).status).toBe("running");
    const failed = await instances.getInstance(alice, down.id);
    expect(failed).toMatchObject({ status: "failed", statusMessage: expect.stringMatching(/console stopped while/) });
    expect(await allocations(down.id)).toBe(0);
  });
});

describe("containers running for instances that are not", () => {
  it("a container started behind the console's back (or whose start answer was lost) for a stopped instance is stopped by the reconciler", async () => {
    const n = await node();
    const s = await spec();
    const i = await launch(alice, image.id, s.id, n.id, "sneaky");
    await reachStatus(i.id, "running");
    await instances.stopInstance(alice, i.id);
    execFileSync("docker", ["start", containerName(i.id)], { stdio: "ignore" });
    expect((await inspect(i.id))!.State.Running).toBe(true);
    await reconcileAll(new AbortController().signal, 5_000);
    expect((await inspect(i.id))!.State.Running).toBe(false);
    expect(await statusOf(i.id)).toBe("stopped");
    await instances.deleteInstance(alice, i.id);
  });
});

describe("ownership and guards", () => {
  it("another user's instance is not found on every operation", async () => {
    const n = await node();
    const s = await spec();
    const i = await launch(alice, image.id, s.id, n.id, "private");
    await reachStatus(i.id, "running");
    const attempts: (() => Promise<unknown>)[] = [
      () => instances.getInstance(bob, i.id),
      () => instances.updateInstance(bob, i.id, { name: "mine" }),
      () => instances.startInstance(bob, i.id, { withoutGpu: false }),
      () => instances.stopInstance(bob, i.id),
      () => instances.restartInstance(bob, i.id),
      () => instances.instanceLogs(bob, i.id, { tail: 10 }),
      () => instances.instanceLogDownload(bob, i.id, false),
      () => instances.instanceStats(bob, i.id),
      () => instances.deleteInstance(bob, i.id),
    ];
    for (const a of attempts) expect((await rejection(a())).code).toBe("NOT_FOUND");
    expect((await instances.listInstances(bob, { page: 1, pageSize: 100 })).items.map((x) => x.id)).not.toContain(i.id);
    expect((await instances.getInstance(admin, i.id)).id).toBe(i.id);
    expect((await inspect(i.id))!.State.Running).toBe(true);
  });

  it("images, specs and nodes in use cannot be deleted; the 409 names the instances", async () => {
    const n = await node();
    const s = await spec();
    const img = await images.createImage({
      name: "in-use",
      address: APP_IMAGE,
      description: null,
      source: null,
      supportMemorySplit: false,
      isListed: true,
      remark: null,
    });
    const i = await launch(alice, img.id, s.id, n.id, "user-of-everything");
    for (const del of [() => images.deleteImage(admin, img.id), () => specs.deleteSpec(admin, s.id), () => nodes.deleteNode(n.id)]) {
      const err = await rejection(del());
      expect(err.code).toBe("CONFLICT");
      expect(err.message).toContain('"user-of-everything"');
    }
    await reachStatus(i.id, "running");
    await instances.deleteInstance(alice, i.id);
    await images.deleteImage(admin, img.id);
    await specs.deleteSpec(admin, s.id);
    await nodes.deleteNode(n.id);
  });

  it("start of a running instance and stop of a stopped one are no-ops; a busy instance refuses a second operation", async () => {
    const n = await node();
    const s = await spec();
    const i = await launch(alice, image.id, s.id, n.id);
    const err = await rejection(instances.stopInstance(alice, i.id));
    expect(err.code).toBe("INVALID_STATE");
    await reachStatus(i.id, "running");
    expect((await instances.startInstance(alice, i.id, { withoutGpu: false })).status).toBe("running");
  });
});

/** Runs a command in an instance's container; its exit code and output. */
async function execIn(instanceId: string, cmd: string[]): Promise<{ code: number | null; out: string }> {
  const exec = await docker.getContainer(containerName(instanceId)).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: true });
  const stream = await exec.start({ Tty: true });
  let out = "";
  stream.on("data", (c: Buffer) => {
    out += c.toString();
  });
  await new Promise((r) => stream.on("end", r));
  return { code: (await exec.inspect()).ExitCode, out };
}

const networkOf = async (instanceId: string) => Object.entries((await inspect(instanceId))!.NetworkSettings.Networks);

describe("tenant networks", () => {
  it("one user's instances reach each other (by address and by name); another user's cannot, checked from inside the containers", async () => {
    // Users of their own: the engine is shared by every test's nodes.
    const [alice, bob] = [await user("net-alice"), await user("net-bob")];
    const n = await node();
    const s = await spec();
    const web = await launch(alice, image.id, s.id, n.id, "web");
    const client = await launch(alice, image.id, s.id, n.id, "client");
    const snoop = await launch(bob, image.id, s.id, n.id, "snoop");
    await Promise.all([web, client, snoop].map((i) => reachStatus(i.id, "running")));

    // A web service in Alice's first instance, as in the probe.
    const served = await execIn(web.id, ["sh", "-c", "mkdir -p /tmp/www && echo alice-secret > /tmp/www/index.html && httpd -p 8080 -h /tmp/www && echo ok"]);
    expect(served.out).toContain("ok");
    const [aliceNet, webEndpoint] = (await networkOf(web.id))[0]!;
    expect(aliceNet).toBe(`aic-net-${alice.userId}`);
    const [bobNet] = (await networkOf(snoop.id))[0]!;
    expect(bobNet).toBe(`aic-net-${bob.userId}`);
    // Two launches at once made one network for Alice, not two of the same name.
    expect((await docker.listNetworks({ filters: { name: [aliceNet] } })).filter((x) => x.Name === aliceNet)).toHaveLength(1);
    const webIp = webEndpoint!.IPAddress;
    expect(webIp).toMatch(/^10\.200\./);

    const fromOwn = await execIn(client.id, ["timeout", "5", "wget", "-q", "-O", "-", `http://${webIp}:8080/`]);
    expect(fromOwn).toMatchObject({ code: 0, out: expect.stringContaining("alice-secret") });
    const byName = await execIn(client.id, ["timeout", "5", "wget", "-q", "-O", "-", "http://web:8080/"]);
    expect(byName).toMatchObject({ code: 0, out: expect.stringContaining("alice-secret") });

    const fromOther = await execIn(snoop.id, ["timeout", "5", "wget", "-q", "-O", "-", `http://${webIp}:8080/`]);
    expect(fromOther.code).not.toBe(0);
    expect(fromOther.out).not.toContain("alice-secret");
    expect((await execIn(snoop.id, ["timeout", "5", "wget", "-q", "-O", "-", "http://web:8080/"])).code).not.toBe(0);

    // No raw sockets (ARP/ICMP spoofing): NET_RAW (bit 13) is not among the effective capabilities.
    const caps = await execIn(client.id, ["sh", "-c", "grep CapEff /proc/self/status"]);
    const capEff = BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(caps.out)![1]}`);
    expect(capEff & (1n << 13n)).toBe(0n);
    expect(capEff & (1n << 0n)).toBe(1n); // CHOWN stays (package managers need it)

    // Each user's network has a small subnet of the console's pool, not one of Docker's defaults.
    const subnets = await Promise.all(
      [aliceNet, bobNet].map(async (name) => ((await docker.getNetwork(name).inspect()) as Docker.NetworkInspectInfo).IPAM?.Config?.[0]?.Subnet),
    );
    for (const subnet of subnets) expect(subnet).toMatch(/^10\.200\.\d+\.\d+\/26$/);
    expect(subnets[0]).not.toBe(subnets[1]);

    // The network goes with its user's last instance on the node.
    await instances.deleteInstance(alice, web.id);
    expect(
      await docker
        .getNetwork(aliceNet)
        .inspect()
        .then(() => true),
    ).toBe(true);
    await instances.deleteInstance(alice, client.id);
    expect(
      await docker
        .getNetwork(aliceNet)
        .inspect()
        .then(
          () => true,
          () => false,
        ),
    ).toBe(false);
    expect(
      await docker
        .getNetwork(bobNet)
        .inspect()
        .then(() => true),
    ).toBe(true);
    await instances.deleteInstance(bob, snoop.id);
  });

  it("a running instance made before tenant networks is moved onto its owner's network by the reconciler, still running", async () => {
    const n = await node();
    const s = await spec();
    const i = await launch(alice, image.id, s.id, n.id, "running-old-timer");
    await reachStatus(i.id, "running");
    const before = (await inspect(i.id))!;
    await docker.getNetwork("bridge").connect({ Container: before.Id });
    await docker.getNetwork(`aic-net-${alice.userId}`).disconnect({ Container: before.Id, Force: true });
    expect(Object.keys((await inspect(i.id))!.NetworkSettings.Networks)).toEqual(["bridge"]);

    await reconcileAll(new AbortController().signal, 5_000);
    const after = (await inspect(i.id))!;
    expect(after.Id).toBe(before.Id);
    expect(after.State.StartedAt).toBe(before.State.StartedAt);
    expect(Object.keys(after.NetworkSettings.Networks)).toEqual([`aic-net-${alice.userId}`]);
    await instances.deleteInstance(alice, i.id);
  });

  it("an instance made before tenant networks (on the default bridge) moves onto its owner's network when it starts, keeping its container", async () => {
    const n = await node();
    const s = await spec();
    const i = await launch(alice, image.id, s.id, n.id, "old-timer");
    await reachStatus(i.id, "running");
    await instances.stopInstance(alice, i.id);
    const before = (await inspect(i.id))!;
    // As containers were made until now.
    await docker.getNetwork("bridge").connect({ Container: before.Id });
    await docker.getNetwork(`aic-net-${alice.userId}`).disconnect({ Container: before.Id, Force: true });
    expect(Object.keys((await inspect(i.id))!.NetworkSettings.Networks)).toEqual(["bridge"]);

    await instances.startInstance(alice, i.id, { withoutGpu: false });
    const after = (await inspect(i.id))!;
    expect(after.Id).toBe(before.Id);
    expect(after.State.Running).toBe(true);
    expect(Object.keys(after.NetworkSettings.Networks)).toEqual([`aic-net-${alice.userId}`]);
    await instances.deleteInstance(alice, i.id);
  });
});
