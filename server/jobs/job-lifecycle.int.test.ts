// A job's life through the service, against the real database (SQLite and PostgreSQL
// projects): changes merged and checked as a whole (fields named, secrets kept), pause,
// disable and resume with the schedule going on from now, delete cancelling what is queued,
// a manual retry linked to the first attempt, the queue in order with reasons, workers and
// the system status.
import { beforeAll, describe, expect, it } from "vitest";
import { jobsEndpoints, ZCreateJobRequest, ZUpdateJobRequest } from "@/lib/contracts/jobs";
import { ZCreateNodeRequest } from "@/lib/contracts/nodes";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import { AppError } from "../http/errors";
import { nodesEndpoints } from "@/lib/contracts/nodes";
import * as nodes from "../nodes/nodes.service";
import { LOCAL_DOCKER } from "../testing/node-fixtures";
import { testUser } from "../testing/running-instance";
import { httpRequestOf } from "./job-config";
import * as repo from "./jobs.repo";
import { cancelRun, createJob, deleteJob, getJob, getRun, retryRun, setJobStatus, triggerJob, updateJob } from "./jobs.service";
import { listWorkers, queue, systemStatus, updateWorker } from "./queue.service";
import { createDispatcher } from "./dispatcher";
import { schedulePass } from "./scheduler";

let u: Principal;
beforeAll(async () => {
  u = await testUser("life");
});

const later = () => new Date(Date.now() + 3_600_000).toISOString();
const httpJob = (p: Principal, over: Record<string, unknown> = {}) =>
  createJob(p, ZCreateJobRequest.parse({ executor: "http", name: "ping", http: { url: "http://example.test/" }, ...over }));
const patch = (id: string, body: Record<string, unknown>) => updateJob(u, id, ZUpdateJobRequest.parse(body));

describe("changing a job", () => {
  it("merges the change, keeps secret headers, works out the next fire again", async () => {
    const job = await httpJob(u, {
      trigger: "cron",
      cron: "0 3 * * *",
      http: { url: "http://example.test/a", headers: [{ name: "Authorization", value: "Bearer s3cret", secret: true }] },
    });
    const changed = await patch(job.id, { cron: "30 4 * * *", timezone: "Europe/Berlin", priority: "high" });
    expect(changed).toMatchObject({ cron: "30 4 * * *", timezone: "Europe/Berlin", priority: "high", name: "ping", executor: "http" });
    expect(new Date(changed.nextRunAt!).toLocaleString("en-GB", { timeZone: "Europe/Berlin", hour: "2-digit", minute: "2-digit" })).toBe("04:30");
    // The secret is kept though the update did not give it, and never answered.
    expect(changed.http!.headers).toEqual([{ name: "Authorization", value: null, secret: true }]);
    expect(httpRequestOf((await repo.findJob(job.id))!).headers[0]!.value).toBe("Bearer s3cret");
  });

  it("a secret header is kept for its own origin only: another host needs it typed again", async () => {
    const job = await httpJob(u, { http: { url: "https://api.example.test/a", headers: [{ name: "Authorization", value: "Bearer s3cret", secret: true }] } });
    const kept = [{ name: "Authorization", secret: true }];
    // Same origin, another path: kept.
    await patch(job.id, { http: { url: "https://api.example.test/b", headers: kept } });
    expect(httpRequestOf((await repo.findJob(job.id))!).headers[0]!.value).toBe("Bearer s3cret");
    // Another host: refused, naming the field; nothing changes.
    const err = (await patch(job.id, { http: { url: "https://attacker.example/", headers: kept } }).catch((e: unknown) => e)) as AppError;
    expect(err.issues).toMatchObject([{ path: "http.headers.0.value", message: "is required again: the URL's origin changed" }]);
    expect((await getJob(u, job.id)).http!.url).toBe("https://api.example.test/b");
    // Typed again: fine.
    await patch(job.id, { http: { url: "https://other.example.test/", headers: [{ name: "Authorization", value: "Bearer new", secret: true }] } });
    expect(httpRequestOf((await repo.findJob(job.id))!).headers[0]!.value).toBe("Bearer new");
  });

  it("bad changes name the field and change nothing", async () => {
    const job = await httpJob(u, { trigger: "cron", cron: "0 3 * * *" });
    for (const [body, path] of [
      [{ cron: "99 * * * *" }, "cron"],
      [{ timezone: "Nowhere/City" }, "timezone"],
      [{ trigger: "once" }, "runAt"],
    ] as const) {
      const err = (await patch(job.id, body).catch((e: unknown) => e)) as AppError;
      expect(err, JSON.stringify(body)).toBeInstanceOf(AppError);
      expect(err.issues?.[0]?.path, JSON.stringify(body)).toBe(path);
    }
    // What the contract refuses (400 before the service) names its field too.
    expect(ZUpdateJobRequest.safeParse({ executor: "container" }).success).toBe(false);
    expect(ZUpdateJobRequest.safeParse({ http: { url: "not a url" } }).error?.issues[0]?.path).toEqual(["http", "url"]);
    expect(await getJob(u, job.id)).toMatchObject({ cron: "0 3 * * *", timezone: "UTC", http: { url: "http://example.test/" } });
    // Another user's job is not found.
    const other = await testUser("other");
    await expect(updateJob(other, job.id, { name: "mine" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("pause, disable, resume, delete", () => {
  it("a paused job does not fire but can be triggered; a disabled one neither; resume goes on from now", async () => {
    const job = await httpJob(u, { trigger: "cron", cron: "* * * * * *" });
    const paused = await setJobStatus(u, job.id, "paused");
    expect(paused.status).toBe("paused");
    await schedulePass(new Date(Date.now() + 5_000));
    expect(await repo.countRunsOf(job.id)).toBe(0);
    expect((await triggerJob(u, job.id)).status).toBe("queued");
    await expect(setJobStatus(u, job.id, "paused")).rejects.toMatchObject({ code: "INVALID_STATE" });
    await setJobStatus(u, job.id, "disabled");
    await expect(triggerJob(u, job.id)).rejects.toMatchObject({ code: "INVALID_STATE" });
    const resumed = await setJobStatus(u, job.id, "active");
    expect(resumed.status).toBe("active");
    expect(new Date(resumed.nextRunAt!).getTime()).toBeGreaterThan(Date.now() - 1_000);
    expect(new Date(resumed.nextRunAt!).getTime()).toBeLessThanOrEqual(Date.now() + 1_000);
  });

  it("disabling a job cancels its queued runs", async () => {
    const job = await httpJob(u, { trigger: "once", runAt: later() });
    const run = await triggerJob(u, job.id);
    await setJobStatus(u, job.id, "disabled");
    expect(await repo.findRun(run.id)).toMatchObject({ status: "cancelled", statusMessage: `Cancelled: the job was disabled by ${u.username}` });
  });

  it("deleting a job cancels its queued runs; it is gone, its runs stay readable", async () => {
    const job = await httpJob(u, { trigger: "once", runAt: later() });
    const run = await triggerJob(u, job.id);
    await deleteJob(u, job.id);
    await expect(getJob(u, job.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const after = (await repo.findRun(run.id))!;
    expect(after.status).toBe("cancelled");
    expect(after.statusMessage).toContain("the job was deleted");
  });
});

describe("runs", () => {
  it("a cancelled run retried by hand is a new attempt linked to the first; a queued one cannot be retried", async () => {
    const job = await httpJob(u, { trigger: "once", runAt: later() });
    const first = await triggerJob(u, job.id);
    await expect(retryRun(u, first.id)).rejects.toMatchObject({ code: "INVALID_STATE" });
    await cancelRun(u, first.id);
    const second = await retryRun(u, first.id);
    expect(second).toMatchObject({ attempt: 2, firstRunId: first.id, trigger: "retry", status: "queued" });
    await cancelRun(u, second.id);
    // Only one of two retries at once is made; a chain with an attempt still queued is not retried.
    const both = await Promise.allSettled([retryRun(u, second.id), retryRun(u, second.id)]);
    expect(both.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(both.find((r) => r.status === "fulfilled")).toMatchObject({ value: { attempt: 3, firstRunId: first.id } });
    expect(both.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "INVALID_STATE" } });
    await expect(retryRun(u, first.id)).rejects.toMatchObject({ code: "INVALID_STATE" });
    // A chain that succeeded is not run again by a retry of an earlier attempt.
    const third = (await repo.chainOf(first.id)).find((r) => r.attempt === 3)!;
    await db().jobRun.update({ where: { id: third.id }, data: { status: "succeeded", finishedAt: new Date() } });
    await expect(retryRun(u, second.id)).rejects.toMatchObject({ code: "INVALID_STATE", message: expect.stringContaining("succeeded") });
  });

  it("one user's many waiting runs never hide another user's: each user's first runs are looked at", async () => {
    const greedy = await testUser("greedy");
    const modest = await testUser("modest");
    const g = await httpJob(greedy, { trigger: "once", runAt: later(), priority: "critical" });
    for (let i = 0; i < 150; i++) await triggerJob(greedy, g.id);
    const m = await httpJob(modest, { trigger: "once", runAt: later(), priority: "low" });
    const mine = await triggerJob(modest, m.id);
    const started: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const d = createDispatcher({
      maxRunningPerUser: async () => 1,
      execute: async (run, _job, _signal, ctx) => {
        started.push(run.userId);
        await ctx.started();
        await held;
        return { status: "succeeded", message: null };
      },
    });
    await d.pass(new Date(Date.now() + 1_000));
    // (Other tests' users may have runs waiting too: each of them gets one as well.)
    await expect.poll(() => started.includes(modest.userId)).toBe(true);
    expect(started.filter((id) => id === greedy.userId)).toHaveLength(1);
    expect((await repo.findRun(mine.id))!.status).toBe("running");
    release();
    await d.drain();
    await db().jobRun.updateMany({ where: { jobId: g.id, status: "queued" }, data: { status: "cancelled" } });
  });

  it("the queue lists runs in start order: priority, then submission", async () => {
    const q = await testUser("queue");
    const low = await httpJob(q, { trigger: "once", runAt: later(), priority: "low" });
    const crit = await httpJob(q, { trigger: "once", runAt: later(), priority: "critical" });
    const a = await triggerJob(q, low.id);
    const b = await triggerJob(q, crit.id);
    const view = await queue(q);
    const mine = view.items.map((i) => i.run.id);
    expect(mine.indexOf(b.id)).toBeLessThan(mine.indexOf(a.id));
    expect(view.items.find((i) => i.run.id === b.id)!.position).toBeLessThan(view.items.find((i) => i.run.id === a.id)!.position!);
    expect(view.nodes).toBeNull();
    // The run says how many start before it.
    const ahead = (await getRun(q, a.id)).runsAhead!;
    expect(ahead).toBe(view.items.find((i) => i.run.id === a.id)!.position! - 1);
    expect((await getRun(q, b.id)).runsAhead).toBeLessThan(ahead);
    // Users see only their own runs.
    expect((await queue(u)).items.some((i) => i.run.userId === q.userId)).toBe(false);
  });
});

describe("workers and system status", () => {
  it("nodes are workers with their limit and tags; the status counts jobs, runs and workers", async () => {
    await testUser("admin", "admin");
    const node = await nodes.createNode(ZCreateNodeRequest.parse({ name: `w-${Date.now()}`, dockerAddress: LOCAL_DOCKER, cpuCores: 2, memoryGb: 2 }));
    await db().node.update({ where: { id: node.id }, data: { status: "online", lastSeenAt: new Date() } });
    const w = await updateWorker(node.id, { maxJobs: 4, tags: ["gpu", "nvme", "gpu"] });
    expect(w).toMatchObject({ id: node.id, status: "online", maxJobs: 4, tags: ["gpu", "nvme"], currentRuns: 0, enabled: true });
    expect(w.lastHeartbeat).not.toBeNull();
    expect((await listWorkers()).items.map((x) => x.id)).toContain(node.id);
    expect(jobsEndpoints.updateWorker.body!.safeParse({ maxJobs: -1 }).error?.issues[0]?.path).toEqual(["maxJobs"]);
    expect(nodesEndpoints.updateNode.body!.safeParse({ tags: ["Not A Tag"] }).error?.issues[0]?.path).toEqual(["tags", 0]);

    const status = await systemStatus();
    expect(status.workers.total).toBeGreaterThanOrEqual(1);
    expect(status.workers.online).toBeGreaterThanOrEqual(1);
    expect(status.jobs.total).toBe(status.jobs.active + status.jobs.paused + status.jobs.disabled);
    expect(status.runsToday).toBeGreaterThanOrEqual(1);
    expect(status.runs.queued).toBeGreaterThanOrEqual(1);
  });
});
