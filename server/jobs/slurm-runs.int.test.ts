// Slurm runs against the real single-host Slurm (scripts/test-env-slurm.sh) and the real
// database (SQLite and PostgreSQL projects): a process that died after submitting is followed,
// never submitting twice; each retry is a new Slurm job; a cancel while Slurm holds the job
// pending cancels it there; a user the cluster does not have fails plainly; a finished job is
// charged once however often it is settled.
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ZCreateJobRequest } from "@/lib/contracts/jobs";
import { ZCreateClusterRequest } from "@/lib/contracts/clusters";
import { parseRef, renderMessage } from "@/lib/i18n/message-ref";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import * as clusters from "../clusters/clusters.service";
import { findCluster } from "../clusters/clusters.repo";
import { clientOf } from "../clusters/slurm-access";
import { FIXTURES } from "../testing/node-fixtures";
import { testUser } from "../testing/running-instance";
import { createDispatcher } from "./dispatcher";
import { executors, knownWait } from "./executors";
import * as repo from "./jobs.repo";
import { cancelRun, createJob } from "./jobs.service";
import { chargeSlurmJob } from "./slurm-executor";
import { submissionOf } from "./slurm-job";

let clusterId: string;

beforeAll(async () => {
  await testUser("admin", "admin");
  const key = readFileSync(path.join(FIXTURES, "slurm", "jwt_hs256.key")).toString("base64");
  const c = await clusters.createCluster(
    ZCreateClusterRequest.parse({
      name: `slurm-${Date.now()}`,
      url: "http://127.0.0.1:6820",
      authMode: "key",
      authSecret: key,
      serviceUser: "root",
      prices: [{ partition: "batch", cpuHourCents: 3600, gpuHourCents: 7200 }],
    }),
  );
  expect(c.status).toBe("healthy");
  clusterId = c.id;
});

async function mapped(name: string, slurmUser = "aicslurm1"): Promise<Principal> {
  const u = await testUser(name);
  await clusters.setClusterUser(clusterId, u.userId, slurmUser);
  return u;
}

const dispatcher = () => createDispatcher({ maxRunningPerUser: async () => 50, execute: executors(async () => null), knownWait });

const slurmJob = (p: Principal, slurm: Record<string, unknown>, over: Record<string, unknown> = {}) =>
  createJob(
    p,
    ZCreateJobRequest.parse({
      executor: "slurm",
      name: `sj-${Math.random().toString(36).slice(2, 6)}`,
      timeoutSeconds: 120,
      slurm: { clusterId, ...slurm },
      ...over,
    }),
  );

const runsOf = (jobId: string) => db().jobRun.findMany({ where: { jobId }, orderBy: [{ attempt: "asc" }, { queuedAt: "asc" }] });

async function settle(d: ReturnType<typeof dispatcher>, jobId: string) {
  for (let i = 0; i < 60; i++) {
    await d.pass(new Date(Date.now() + 3_600_000));
    await d.drain();
    if (!(await repo.activeRunsOf(jobId)).length) return;
  }
  throw new Error("runs did not settle");
}

const slurmJobsWithComment = async (comment: string) => {
  const row = (await findCluster(clusterId))!;
  return (await clientOf(row).jobs()).filter((j) => j.comment === comment);
};

describe("Slurm runs", () => {
  it("a job submitted by a process that died before recording it is followed, not submitted again", async () => {
    const u = await mapped("died");
    const j = await slurmJob(u, { script: "#!/bin/bash\necho once\n" });
    const [queued] = await runsOf(j.id);
    // The dead process's submission: made, never recorded on the run.
    const row = (await findCluster(clusterId))!;
    const full = await repo.findJobEvenDeleted(j.id);
    const { ignored: _ignored, ...submission } = submissionOf(queued!, full!, "aicslurm1");
    const orphan = await clientOf(row).submit(submission, "aicslurm1");
    await settle(dispatcher(), j.id);
    const [run] = await runsOf(j.id);
    expect(run).toMatchObject({ status: "succeeded", slurmJobId: orphan, clusterId, slurmState: "COMPLETED", exitCode: 0 });
    expect(await slurmJobsWithComment(`aiinfra run ${run!.id}`)).toHaveLength(1);
  });

  it("each retry is a new Slurm job; Slurm's end state, reason and exit code are on the run", async () => {
    const u = await mapped("retry");
    const j = await slurmJob(
      u,
      { script: "#!/bin/bash\necho attempt\nexit 3\n" },
      { retry: { maxAttempts: 2, backoff: "fixed", delaySeconds: 0, maxDelaySeconds: 1 } },
    );
    await settle(dispatcher(), j.id);
    const runs = await runsOf(j.id);
    expect(runs.map((r) => [r.attempt, r.status, r.exitCode, r.slurmState])).toEqual([
      [1, "failed", 3, "FAILED"],
      [2, "failed", 3, "FAILED"],
    ]);
    expect(new Set(runs.map((r) => r.slurmJobId)).size).toBe(2);
    expect(runs[0]!.statusMessage).toBe("Slurm: FAILED (NonZeroExitCode), exit code 3");
    // The same status in Chinese around Slurm's own words.
    expect(renderMessage("zh-CN", parseRef(runs[0]!.statusRef)!)).toBe("Slurm：FAILED（NonZeroExitCode），退出码 3");
  });

  it("a cancel while Slurm holds the job pending cancels it in Slurm", async () => {
    const u = await mapped("pending");
    // Holds both GPUs until it is cancelled at the end.
    const hold = await slurmJob(u, { script: "#!/bin/bash\nsleep 300\n", gpus: 2 });
    const d = dispatcher();
    await d.pass();
    const ended = async (jobId: string) => {
      for (let i = 0; i < 150; i++) {
        const r = (await runsOf(jobId))[0]!;
        if (!["queued", "starting", "running"].includes(r.status)) return r;
        await new Promise((res) => setTimeout(res, 200));
      }
      throw new Error("the run did not end");
    };
    // The holder runs first (a job just submitted is PENDING for a moment whatever it waits for).
    for (let i = 0; i < 150 && (await runsOf(hold.id))[0]!.slurmState !== "RUNNING"; i++) await new Promise((r) => setTimeout(r, 200));
    expect((await runsOf(hold.id))[0]!.slurmState).toBe("RUNNING");
    const waiting = await slurmJob(u, { script: "#!/bin/bash\necho never\n", gpus: 2 });
    await d.pass();
    // The second waits in Slurm's queue for the GPUs as a queued run with its Slurm job.
    let run = (await runsOf(waiting.id))[0]!;
    for (let i = 0; i < 100 && !(run.slurmJobId && run.slurmState === "PENDING" && run.slurmReason === "Resources"); i++) {
      await new Promise((r) => setTimeout(r, 200));
      run = (await runsOf(waiting.id))[0]!;
    }
    expect(run).toMatchObject({ status: "queued", slurmState: "PENDING", slurmReason: "Resources" });
    expect(run.statusMessage).toBe("Slurm: PENDING (Resources)");
    await cancelRun(u, run.id);
    run = await ended(waiting.id);
    expect(run.status).toBe("cancelled");
    const [inSlurm] = await slurmJobsWithComment(`aiinfra run ${run.id}`);
    expect(inSlurm!.state).toBe("CANCELLED");
    await cancelRun(u, (await runsOf(hold.id))[0]!.id);
    expect((await ended(hold.id)).status).toBe("cancelled");
    await d.drain();
  });

  it("a user the cluster does not have: the job is cancelled and the run says why", async () => {
    const u = await mapped("ghost", "no-such-user");
    const j = await slurmJob(u, { script: "#!/bin/bash\ntrue\n" });
    await settle(dispatcher(), j.id);
    const [run] = await runsOf(j.id);
    expect(run!.status).toBe("failed");
    expect(run!.statusMessage).toMatch(/Slurm user no-such-user does not exist/);
  });

  it("who a job runs as: accounts of open registration need a mapping; system accounts never", async () => {
    const open = await testUser("opened");
    await db().user.update({ where: { id: open.userId }, data: { selfRegistered: true } });
    await expect(slurmJob(open, { script: "#!/bin/bash\ntrue\n" })).rejects.toMatchObject({
      code: "UNPROCESSABLE",
      message: expect.stringMatching(/no Slurm user/),
    });
    for (const name of ["root", "slurm", "nobody"]) {
      await expect(clusters.setClusterUser(clusterId, open.userId, name)).rejects.toMatchObject({
        code: "VALIDATION_FAILED",
        issues: [{ path: "slurmUser", message: expect.stringMatching(/never run as/) }],
      });
    }
    // Mapped by an administrator: it may.
    await clusters.setClusterUser(clusterId, open.userId, "aicslurm2");
    const j = await slurmJob(open, { script: "#!/bin/bash\nid -un\n" });
    await settle(dispatcher(), j.id);
    expect((await runsOf(j.id))[0]).toMatchObject({ status: "succeeded", slurmUser: "aicslurm2" });
  });

  it("a priced job holds the most it can cost; one the balance cannot cover waits, and nothing is submitted", async () => {
    const u = await mapped("hold");
    // 36 ¥/CPU-hour on batch: an hour's limit may cost ¥36; the user has ¥10.
    await db().user.update({ where: { id: u.userId }, data: { balanceCents: 1000 } });
    const big = await slurmJob(u, { script: "#!/bin/bash\ntrue\n", partition: "batch" }, { timeoutSeconds: 3600 });
    const d = dispatcher();
    await d.pass();
    await d.drain();
    const [waiting] = await runsOf(big.id);
    expect(waiting).toMatchObject({ status: "queued", slurmJobId: null, reservedCents: 0 });
    expect(waiting!.statusMessage).toMatch(/may cost up to ¥36\.00/);
    expect(await slurmJobsWithComment(`aiinfra run ${waiting!.id}`)).toHaveLength(0);
    await cancelRun(u, waiting!.id);
    // Five minutes fit (¥3 each): held while it runs, let go when it ends.
    const small = await slurmJob(u, { script: "#!/bin/bash\nsleep 2\n", partition: "batch" }, { timeoutSeconds: 300 });
    await d.pass();
    let run = (await runsOf(small.id))[0]!;
    for (let i = 0; i < 50 && run.slurmJobId === null; i++) {
      await new Promise((r) => setTimeout(r, 100));
      run = (await runsOf(small.id))[0]!;
    }
    expect(run.reservedCents).toBe(300);
    await d.drain();
    run = (await runsOf(small.id))[0]!;
    expect(run).toMatchObject({ status: "succeeded", reservedCents: 0 });
  });

  it("a finished job on a priced partition is charged once, however often it is settled", async () => {
    const u = await mapped("paid");
    const j = await slurmJob(u, { script: "#!/bin/bash\nsleep 2\n", partition: "batch" });
    await settle(dispatcher(), j.id);
    const [run] = await runsOf(j.id);
    expect(run!.status).toBe("succeeded");
    expect(run!.costCents).toBeGreaterThanOrEqual(2);
    const row = (await findCluster(clusterId))!;
    const [done] = (await clientOf(row).jobs()).filter((x) => x.jobId === run!.slurmJobId);
    // Settled again (a process that took the run over after it charged): the same amount, no second entry.
    expect(await chargeSlurmJob(run!, row, done!)).toBe(run!.costCents);
    const entries = await db().ledgerEntry.findMany({ where: { userId: u.userId, kind: "usage" } });
    expect(entries).toHaveLength(1);
    expect(entries[0]!.amountCents).toBe(-run!.costCents);
    expect(entries[0]!.note).toContain(`Slurm job ${run!.slurmJobId} on `);
  });
});
