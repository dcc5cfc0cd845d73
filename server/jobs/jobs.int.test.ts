// Jobs against the real database (SQLite and PostgreSQL projects) and a real local HTTP
// server (allowlisted, as an administrator would): http runs succeed and keep the answer;
// failures are retried with backoff, every attempt linked to the first; internal addresses
// are refused unless allowlisted; per-second cron fires each second exactly once however many
// schedulers race; queue order and the per-user limit; a run whose process died is lost and retried.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZCreateJobRequest } from "@/lib/contracts/jobs";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import { AppError } from "../http/errors";
import { allowlistOf } from "../adapters/egress";
import { updateSettings } from "../settings/settings.service";
import { testUser } from "../testing/running-instance";
import { createDispatcher } from "./dispatcher";
import { executors } from "./executors";
import * as repo from "./jobs.repo";
import { createJob, getRun, triggerJob } from "./jobs.service";
import { schedulePass } from "./scheduler";

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/ok") return void res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    if (req.url === "/fail") return void res.writeHead(503).end("unavailable");
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await updateSettings({ egressAllowlist: ["127.0.0.1/32"], maxRunningJobsPerUser: 3 });
});
afterAll(() => server.close());

const allowFromSettings = async () => allowlistOf(["127.0.0.1/32"]);
const dispatcher = (over: Partial<Parameters<typeof createDispatcher>[0]> = {}) =>
  createDispatcher({ maxRunningPerUser: async () => 3, execute: executors(allowFromSettings), ...over });

const httpJob = (p: Principal, over: Record<string, unknown> = {}) =>
  createJob(p, ZCreateJobRequest.parse({ executor: "http", name: `ping ${Math.random().toString(36).slice(2, 6)}`, http: { url: `${base}/ok` }, ...over }));

async function runsOf(jobId: string) {
  return db().jobRun.findMany({ where: { jobId }, orderBy: [{ attempt: "asc" }, { queuedAt: "asc" }] });
}

/** Dispatches until no run of `jobId` is queued or running (retries included). */
async function settle(d: ReturnType<typeof dispatcher>, jobId: string) {
  for (let i = 0; i < 50; i++) {
    await d.pass(new Date(Date.now() + 3_600_000));
    await d.drain();
    if (!(await repo.activeRunsOf(jobId)).length) return;
  }
  throw new Error("runs did not settle");
}

describe("http runs", () => {
  it("a job triggered now runs once and keeps status, latency and the body", async () => {
    const u = await testUser("jobs");
    const job = await httpJob(u);
    const d = dispatcher();
    await settle(d, job.id);
    const [run] = await runsOf(job.id);
    expect(run).toMatchObject({ status: "succeeded", attempt: 1, httpStatus: 200, responseBody: '{"ok":true}', trigger: "api" });
    expect(run!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(await getRun(u, run!.id)).toMatchObject({ status: "succeeded", jobName: job.name, httpStatus: 200 });
    // Another user's run is not found.
    const other = await testUser("other");
    await expect(getRun(other, run!.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("a failing job is retried by its policy, every attempt listed and linked to the first", async () => {
    const u = await testUser("retry");
    const job = await httpJob(u, { http: { url: `${base}/fail` }, retry: { maxAttempts: 3, backoff: "exponential", delaySeconds: 1, maxDelaySeconds: 60 } });
    await settle(dispatcher(), job.id);
    const runs = await runsOf(job.id);
    expect(runs.map((r) => [r.attempt, r.status, r.httpStatus])).toEqual([
      [1, "failed", 503],
      [2, "failed", 503],
      [3, "failed", 503],
    ]);
    expect(runs.slice(1).every((r) => r.firstRunId === runs[0]!.id && r.trigger === "retry")).toBe(true);
    // Backoff: the second attempt waited 1 s, the third 2 s after the one before ended.
    expect(runs[1]!.notBefore.getTime() - runs[0]!.finishedAt!.getTime()).toBeGreaterThanOrEqual(999);
    expect(runs[2]!.notBefore.getTime() - runs[1]!.finishedAt!.getTime()).toBeGreaterThanOrEqual(1_999);
    expect(runs[0]!.statusMessage).toBe("status 503 is not an accepted status");
  });

  it("internal addresses are refused unless allowlisted", async () => {
    const u = await testUser("egress");
    const strict = dispatcher({ execute: executors(async () => null) });
    for (const url of ["http://169.254.169.254/latest/meta-data", "http://10.0.0.1/", `${base}/ok`, "http://localhost/"]) {
      const job = await httpJob(u, { http: { url } });
      await settle(strict, job.id);
      const [run] = await runsOf(job.id);
      expect(run!.status, url).toBe("failed");
      expect(run!.statusMessage, url).toMatch(/refused: .* address; an administrator can allow it/);
    }
  });

  it("bad input names the field and changes nothing", async () => {
    const u = await testUser("bad");
    const before = await db().job.count({ where: { userId: u.userId } });
    for (const [over, path] of [
      [{ trigger: "cron", cron: "61 * * * *" }, "cron"],
      [{ trigger: "cron", cron: "* * * * *", timezone: "Mars/Base" }, "timezone"],
      [{ trigger: "cron" }, "cron"],
      [{ trigger: "once", runAt: "2001-01-01T00:00:00Z" }, "runAt"],
    ] as const) {
      const err = (await httpJob(u, over).catch((e: unknown) => e)) as AppError;
      expect(err, JSON.stringify(over)).toBeInstanceOf(AppError);
      expect(err.issues?.[0]?.path).toBe(path);
    }
    expect(await db().job.count({ where: { userId: u.userId } })).toBe(before);
  });
});

describe("cron", () => {
  it("a per-second schedule fires each second exactly once while three schedulers race", async () => {
    const u = await testUser("cron");
    const job = await httpJob(u, { trigger: "cron", cron: "* * * * * *", overlap: "allow" });
    const start = (await repo.findJob(job.id))!.nextRunAt!;
    // Passes as the seconds go by, three "processes" at once each time (some late, some early).
    for (let ms = 0; ms <= 20_000; ms += 250) {
      const now = new Date(start.getTime() + ms);
      await Promise.all([schedulePass(now), schedulePass(now), schedulePass(new Date(now.getTime() + 100))]);
    }
    const runs = await runsOf(job.id);
    const seconds = runs.map((r) => r.scheduledFor!.getTime()).sort((a, b) => a - b);
    expect(new Set(seconds).size).toBe(seconds.length);
    expect(seconds.length).toBeGreaterThanOrEqual(20);
    for (let i = 1; i < seconds.length; i++) expect(seconds[i]! - seconds[i - 1]!).toBe(1_000);
  });

  it("after a 10 s outage: misfire `once` makes one catch-up run, `skip` none", async () => {
    const u = await testUser("misfire");
    for (const misfire of ["once", "skip"] as const) {
      const job = await httpJob(u, { trigger: "cron", cron: "* * * * * *", misfire });
      const start = (await repo.findJob(job.id))!.nextRunAt!;
      await schedulePass(new Date(start.getTime() + 10_000));
      const runs = await runsOf(job.id);
      expect(runs.filter((r) => r.trigger === "catch_up").length, misfire).toBe(misfire === "once" ? 1 : 0);
      expect(runs.filter((r) => r.trigger === "schedule").length, misfire).toBeLessThanOrEqual(2);
    }
  });

  it("overlap `forbid` skips a fire while a run is active; `replace` cancels it", async () => {
    const u = await testUser("overlap");
    for (const overlap of ["forbid", "replace"] as const) {
      const job = await httpJob(u, { trigger: "cron", cron: "* * * * * *", overlap });
      const start = (await repo.findJob(job.id))!.nextRunAt!;
      await schedulePass(new Date(start.getTime() + 100));
      await schedulePass(new Date(start.getTime() + 1_100));
      const runs = await runsOf(job.id);
      if (overlap === "forbid") expect(runs.map((r) => r.status)).toEqual(["queued"]);
      else expect(runs.map((r) => r.status).sort()).toEqual(["cancelled", "queued"]);
    }
  });
});

describe("queue", () => {
  it("a critical run submitted last starts first; the owner's limit makes runs wait, not fail", async () => {
    const u = await testUser("queue");
    const normal = await httpJob(u, { trigger: "once", runAt: new Date(Date.now() + 3_600_000).toISOString() });
    const critical = await httpJob(u, { priority: "critical", trigger: "once", runAt: new Date(Date.now() + 3_600_000).toISOString() });
    const n1 = await triggerJob(u, normal.id);
    const n2 = await triggerJob(u, normal.id);
    const c = await triggerJob(u, critical.id);
    const d = createDispatcher({ maxRunningPerUser: async () => 1, execute: executors(allowFromSettings) });
    // Other users' queued runs (from other tests) may share the queue: look at this user's.
    await d.pass(new Date(Date.now() + 1_000));
    await d.drain();
    const mine = async () => Object.fromEntries((await db().jobRun.findMany({ where: { id: { in: [n1.id, n2.id, c.id] } } })).map((r) => [r.id, r.status]));
    const first = await mine();
    expect(first[c.id]).toBe("succeeded");
    expect([first[n1.id], first[n2.id]]).toEqual(["queued", "queued"]);
    await d.pass(new Date(Date.now() + 1_000));
    await d.drain();
    const second = await mine();
    expect(second[n1.id]).toBe("succeeded");
    expect(second[n2.id]).toBe("queued");
  });

  it("a run whose process died is lost after its lease lapses, and retried by its policy", async () => {
    const u = await testUser("lost");
    const job = await httpJob(u, {
      trigger: "once",
      runAt: new Date(Date.now() + 3_600_000).toISOString(),
      retry: { maxAttempts: 2, backoff: "fixed", delaySeconds: 0, maxDelaySeconds: 1 },
    });
    const run = await triggerJob(u, job.id);
    const now = new Date();
    // A process claimed it and died (never renewed).
    expect(await repo.claimRun(run.id, "dead-process", new Date(now.getTime() - 1), now)).toBe(true);
    expect(await repo.settleRun(run.id, "dead-process", { status: "running", startedAt: now })).toBe(true);
    const survivor = dispatcher();
    expect(await survivor.sweepLost(new Date())).toBeGreaterThanOrEqual(1);
    expect(await getRun(u, run.id)).toMatchObject({ status: "lost", statusMessage: "The console process running it stopped answering" });
    await settle(survivor, job.id);
    const runs = await runsOf(job.id);
    expect(runs.map((r) => [r.attempt, r.status])).toEqual([
      [1, "lost"],
      [2, "succeeded"],
    ]);
  });
});
