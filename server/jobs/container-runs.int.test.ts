// Container and python runs against the real local dockerd and the real database (SQLite and
// PostgreSQL projects): output, progress and result; retries with every attempt listed; a
// timeout and a cancel stop the container (SIGTERM) and remove it; a python script with
// arguments in a locally made image; the run is charged through the meter and ledger
// (entries name the run) and its workload never shows among the instances.
import { gunzipSync } from "node:zlib";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZCreateJobRequest } from "@/lib/contracts/jobs";
import { ZCreateNodeRequest } from "@/lib/contracts/nodes";
import { ZCreateSpecRequest } from "@/lib/contracts/specs";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import * as images from "../images/images.service";
import { listInstances } from "../instances/instances.service";
import { containerName } from "../instances/workload";
import * as nodes from "../nodes/nodes.service";
import * as specs from "../specs/specs.service";
import { GPU_DOCKER, LOCAL_DOCKER, PYTHON_IMAGE } from "../testing/node-fixtures";
import { testUser } from "../testing/running-instance";
import { createDispatcher } from "./dispatcher";
import { runContainer } from "./container-executor";
import { executors, knownWait } from "./executors";
import * as repo from "./jobs.repo";
import { cancelRun, cancelRunsForBalance, createJob, getRun, triggerJob } from "./jobs.service";
import { adjust, invariant } from "../billing/billing.service";
import { meterAll } from "../billing/meter";

const docker = new Docker({ socketPath: "/var/run/docker.sock" });
let admin: Principal;
let busybox: string;
let python: string;
let spec: string;
let nodeId: string;

beforeAll(async () => {
  admin = await testUser("admin", "admin");
  const node = await nodes.createNode(ZCreateNodeRequest.parse({ name: `jobs-${Date.now()}`, dockerAddress: LOCAL_DOCKER, cpuCores: 4, memoryGb: 8 }));
  nodeId = node.id;
  await db().node.update({ where: { id: node.id }, data: { status: "online" } });
  const image = (name: string, address: string) =>
    images.createImage({ name, address, description: null, source: null, supportMemorySplit: false, isListed: true, remark: null });
  busybox = (await image("busybox", "local/busybox:latest")).id;
  python = (await image("python", PYTHON_IMAGE)).id;
  // 36 ¥/h: one cent a second, so a run of a few seconds costs a few cents.
  spec = (await specs.createSpec(ZCreateSpecRequest.parse({ name: "cpu", cpuCores: 1, memoryGb: 1, pricePerHourCents: 3600 }))).id;
});

afterAll(async () => {
  // What a failed test may have left: this database's runs' containers, on both engines.
  for (const engine of [docker, new Docker({ socketPath: GPU_DOCKER.replace("unix://", "") })]) {
    for (const c of await engine.listContainers({ all: true, filters: { label: ["io.ai-infra-console.job-run"] } })) {
      const pod = await db().instance.findFirst({ where: { containerId: c.Id } });
      if (pod) await engine.getContainer(c.Id).remove({ force: true });
    }
  }
});

const dispatcher = () => createDispatcher({ maxRunningPerUser: async () => 50, execute: executors(async () => null), knownWait });

const job = (p: Principal, over: Record<string, unknown>) =>
  createJob(
    p,
    ZCreateJobRequest.parse({ executor: "container", name: `job ${Math.random().toString(36).slice(2, 6)}`, imageId: busybox, specId: spec, ...over }),
  );

async function runsOf(jobId: string) {
  return db().jobRun.findMany({ where: { jobId }, orderBy: [{ attempt: "asc" }, { queuedAt: "asc" }] });
}

/** Dispatches until no run of `jobId` is queued or running (retries included). */
async function settle(d: ReturnType<typeof dispatcher>, jobId: string) {
  for (let i = 0; i < 60; i++) {
    await d.pass(new Date(Date.now() + 3_600_000));
    await d.drain();
    if (!(await repo.activeRunsOf(jobId)).length) return;
  }
  throw new Error("runs did not settle");
}

const logOf = (run: { log: Uint8Array | null }) => (run.log ? gunzipSync(run.log).toString("utf8") : "");
const gone = async (pod: string) =>
  (await docker
    .getContainer(containerName(pod))
    .inspect()
    .catch(() => null)) === null;

describe("container runs", () => {
  it("a command runs to completion: output kept, progress and result read, container removed, charged and named in the ledger", async () => {
    const u = await testUser("ok");
    const j = await job(u, {
      container: {
        command: 'echo "hello from $AIC_RUN_ID"; echo "::progress 40"; sleep 2; echo "::progress 90"; echo \'::result {"rows": 12}\'; echo oops >&2',
      },
    });
    await settle(dispatcher(), j.id);
    const [run] = await runsOf(j.id);
    expect(run).toMatchObject({ status: "succeeded", exitCode: 0, progress: 90, result: '{"rows":12}', nodeId });
    expect(logOf(run!)).toContain(`hello from ${run!.id}`);
    expect(logOf(run!)).toContain("oops");
    expect(run!.logBytes).toBeGreaterThan(0);
    expect(await gone(run!.instanceId!)).toBe(true);
    // The workload was an instance for placement and the meter: now deleted, nothing held.
    const pod = await db().instance.findUniqueOrThrow({ where: { id: run!.instanceId! }, include: { allocations: true } });
    expect(pod).toMatchObject({ status: "deleted", jobRunId: run!.id, meteredUntil: null });
    expect(pod.allocations).toHaveLength(0);
    // Charged by the spec's price for the time it ran (about 2 s at one cent a second), in entries naming the run.
    const entries = await db().ledgerEntry.findMany({ where: { instanceId: pod.id } });
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.note?.includes(run!.id))).toBe(true);
    expect(run!.costCents).toBe(-entries.reduce((s, e) => s + e.amountCents, 0));
    expect(run!.costCents).toBeGreaterThanOrEqual(2);
    expect(run!.costCents).toBeLessThan(30);
    // Never among the instances.
    expect((await listInstances(u, { page: 1, pageSize: 50, status: "deleted" })).items).toHaveLength(0);
    expect((await listInstances(admin, { page: 1, pageSize: 100 })).items.some((i) => i.id === pod.id)).toBe(false);
    expect(await getRun(u, run!.id)).toMatchObject({ status: "succeeded", costCents: run!.costCents, progress: 90, result: { rows: 12 } });
  });

  it("a failing command is retried with backoff and fails with every attempt listed", async () => {
    const u = await testUser("fail");
    const j = await job(u, { container: { command: "echo trying; exit 3" }, retry: { maxAttempts: 2, backoff: "fixed", delaySeconds: 1, maxDelaySeconds: 1 } });
    await settle(dispatcher(), j.id);
    const runs = await runsOf(j.id);
    expect(runs.map((r) => [r.attempt, r.status, r.exitCode, r.statusMessage])).toEqual([
      [1, "failed", 3, "Exited with code 3"],
      [2, "failed", 3, "Exited with code 3"],
    ]);
    expect(runs[1]!.firstRunId).toBe(runs[0]!.id);
    expect(runs[1]!.notBefore.getTime() - runs[0]!.finishedAt!.getTime()).toBeGreaterThanOrEqual(999);
    for (const r of runs) expect(await gone(r.instanceId!)).toBe(true);
  });

  it("a timeout stops the container with SIGTERM and removes it: timed_out", async () => {
    const u = await testUser("timeout");
    const j = await job(u, { container: { command: "trap 'echo got TERM; exit 143' TERM; echo started; sleep 60 & wait" }, timeoutSeconds: 2 });
    const started = Date.now();
    await settle(dispatcher(), j.id);
    const [run] = await runsOf(j.id);
    expect(run).toMatchObject({ status: "timed_out", statusMessage: "Stopped: it ran past its timeout of 2 s", exitCode: 143 });
    expect(logOf(run!)).toContain("got TERM");
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await gone(run!.instanceId!)).toBe(true);
  });

  it("cancel mid-run stops it at once: cancelled, container gone", async () => {
    const u = await testUser("cancel");
    const j = await job(u, { container: { command: "trap 'exit 143' TERM; while :; do echo tick; sleep 1; done" } });
    const d = dispatcher();
    await d.pass(new Date(Date.now() + 3_600_000));
    const [queued] = await runsOf(j.id);
    for (let i = 0; i < 100 && (await repo.findRun(queued!.id))!.status !== "running"; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await repo.findRun(queued!.id))!.status).toBe("running");
    await cancelRun(u, queued!.id);
    // A second click while it stops is no error.
    expect((await cancelRun(u, queued!.id)).cancelRequested).toBe(true);
    await d.drain();
    const run = (await repo.findRun(queued!.id))!;
    expect(run).toMatchObject({ status: "cancelled" });
    expect(run.statusMessage).toContain("Cancelled by");
    expect(await gone(run.instanceId!)).toBe(true);
  });

  it("a run cancelled while it is placed never starts its container, and frees what it took", async () => {
    const u = await testUser("early");
    const j = await job(u, {
      container: { command: "touch /should-not-run; sleep 30" },
      trigger: "once",
      runAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const queued = await triggerJob(u, j.id);
    const abort = new AbortController();
    abort.abort();
    const recorded: Record<string, unknown> = {};
    const end = await runContainer((await repo.findRun(queued.id))!, (await repo.findJob(j.id))!, abort.signal, {
      starting: async (data) => {
        Object.assign(recorded, data);
        return true;
      },
      started: async () => {
        throw new Error("must not start");
      },
      record: async (data) => {
        Object.assign(recorded, data);
        return true;
      },
    });
    expect(end).toMatchObject({ status: "cancelled" });
    const pod = await db().instance.findUniqueOrThrow({ where: { id: recorded.instanceId as string }, include: { allocations: true } });
    expect(pod.status).toBe("deleted");
    expect(pod.allocations).toHaveLength(0);
    expect(await gone(pod.id)).toBe(true);
  });

  it("a run is cancelled when its owner's balance runs out, charged to its end; a run needs the minimum balance to start", async () => {
    const u = await testUser("broke");
    // 60 ¥/h: one yuan a minute.
    const dear = (await specs.createSpec(ZCreateSpecRequest.parse({ name: "dear", cpuCores: 1, memoryGb: 1, pricePerHourCents: 6_000 }))).id;
    const j = await job(u, { specId: dear, container: { command: "trap 'exit 143' TERM; while :; do sleep 1; done" } });
    const d = dispatcher();
    await d.pass(new Date(Date.now() + 3_600_000));
    const [run] = await runsOf(j.id);
    for (let i = 0; i < 100 && (await repo.findRun(run!.id))!.status !== "running"; i++) await new Promise((r) => setTimeout(r, 100));
    const pod = (await repo.findRun(run!.id))!.instanceId!;
    // Take the balance near zero, and let the meter see a few minutes run.
    const balance = (await db().user.findUniqueOrThrow({ where: { id: u.userId } })).balanceCents;
    await adjust(admin, u.userId, { amountCents: -(balance - 100), reason: "leave one yuan" });
    await db().instance.update({ where: { id: pod }, data: { meteredUntil: new Date(Date.now() - 3 * 60_000), startedAt: new Date(Date.now() - 3 * 60_000) } });
    expect((await meterAll()).exhaustedUsers).toContain(u.userId);
    expect(await cancelRunsForBalance(u.userId)).toBe(1);
    await d.drain();
    const ended = (await repo.findRun(run!.id))!;
    expect(ended.status).toBe("cancelled");
    expect(ended.statusMessage).toMatch(/balance ran out/);
    expect(await gone(pod)).toBe(true);
    expect(ended.costCents).toBeGreaterThan(0);
    // Another run of it waits for money, saying so.
    const again = await triggerJob(u, j.id);
    await d.pass(new Date(Date.now() + 3_600_000));
    await d.drain();
    const waiting = (await repo.findRun(again.id))!;
    expect(waiting.status).toBe("queued");
    expect(waiting.statusMessage).toMatch(/^Waiting: Your balance is/);
    await cancelRun(u, again.id);
    expect((await invariant()).ok).toBe(true);
  });

  it("a python job runs its script with arguments, the script read-only at /job/main.py", async () => {
    const u = await testUser("py");
    const script = [
      "import json, os, stat, sys",
      "mode = stat.S_IMODE(os.stat('/job/main.py').st_mode)",
      "print('args', sys.argv[1:])",
      "print('::result ' + json.dumps({'sum': sum(int(a) for a in sys.argv[1:]), 'mode': oct(mode), 'cwd': os.getcwd()}))",
    ].join("\n");
    const j = await createJob(
      u,
      ZCreateJobRequest.parse({ executor: "python", name: "py", imageId: python, specId: spec, python: { script, args: ["1", "2", "39"] } }),
    );
    await settle(dispatcher(), j.id);
    const [run] = await runsOf(j.id);
    expect(run!.status, run!.statusMessage ?? "").toBe("succeeded");
    expect(logOf(run!)).toContain("args ['1', '2', '39']");
    expect(JSON.parse(run!.result!)).toEqual({ sum: 42, mode: "0o444", cwd: "/job" });
  });

  it("a python job on an image without python3 fails saying so", async () => {
    const u = await testUser("nopy");
    const j = await createJob(u, ZCreateJobRequest.parse({ executor: "python", name: "nopy", imageId: busybox, specId: spec, python: { script: "print(1)" } }));
    await settle(dispatcher(), j.id);
    const [run] = await runsOf(j.id);
    expect(run!.status).toBe("failed");
    expect(run!.statusMessage).toMatch(/^The image busybox has no python3 \(/);
    expect(await gone(run!.instanceId!)).toBe(true);
  });

  it("a container job needs an image and a spec it may use: the field is named, nothing is made", async () => {
    const u = await testUser("bad");
    await expect(job(u, { imageId: undefined, container: { command: "true" } })).rejects.toMatchObject({ issues: [{ path: "imageId" }] });
    await expect(job(u, { specId: "nope", container: { command: "true" } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await db().job.count({ where: { userId: u.userId } })).toBe(0);
  });
});

describe("the queue on a GPU host", () => {
  it("30 one-GPU runs on a two-GPU node: never more than 2 at once, each on its own GPU; a critical run submitted last starts in the first wave", async () => {
    const u = await testUser("gpu");
    const node = await nodes.createNode(
      ZCreateNodeRequest.parse({
        name: `gpu-${Date.now()}`,
        dockerAddress: GPU_DOCKER,
        cpuCores: 8,
        memoryGb: 16,
        gpuName: "NVIDIA Test GPU",
        gpuCount: 2,
        gpuMemoryGb: 16,
      }),
    );
    await db().node.update({ where: { id: node.id }, data: { status: "online" } });
    // The CPU node of the other tests has no GPU: these runs can only go to this one.
    const gpuSpec = (
      await specs.createSpec(
        ZCreateSpecRequest.parse({ name: "1 GPU", gpuModel: "Test GPU", gpuCount: 1, gpuMemoryGb: 16, cpuCores: 1, memoryGb: 1, pricePerHourCents: 100 }),
      )
    ).id;
    const normal = await job(u, {
      specId: gpuSpec,
      container: { command: "sleep 0.5" },
      trigger: "once",
      runAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const critical = await job(u, {
      specId: gpuSpec,
      container: { command: "sleep 0.5" },
      priority: "critical",
      trigger: "once",
      runAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    for (let i = 0; i < 30; i++) await triggerJob(u, normal.id);
    const last = await triggerJob(u, critical.id);

    const d = dispatcher();
    let most = 0;
    const gpusSeen = new Set<number>();
    for (let i = 0; i < 600; i++) {
      await d.pass();
      const held = await db().allocation.findMany({ where: { nodeId: node.id, gpuIndex: { not: null } } });
      most = Math.max(most, held.length);
      for (const h of held) gpusSeen.add(h.gpuIndex!);
      expect(new Set(held.map((h) => h.gpuIndex)).size).toBe(held.length);
      if (!(await repo.activeRunsOf(normal.id)).length && !(await repo.activeRunsOf(critical.id)).length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await d.drain();
    const runs = await db().jobRun.findMany({ where: { jobId: { in: [normal.id, critical.id] } } });
    expect(runs.map((r) => r.status).filter((s) => s !== "succeeded")).toEqual([]);
    expect(runs).toHaveLength(31);
    expect(most).toBe(2);
    expect([...gpusSeen].sort()).toEqual([0, 1]);
    const crit = runs.find((r) => r.id === last.id)!;
    const normalsBefore = runs.filter((r) => r.jobId === normal.id && r.startedAt! < crit.startedAt!).length;
    expect(normalsBefore).toBeLessThanOrEqual(1);
  }, 180_000);
});
