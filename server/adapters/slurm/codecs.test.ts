import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CODECS, codecFor } from "./codecs";
import { expandPath, jobCost, runStatusOf } from "../../jobs/slurm-job";
import type { SlurmSubmit } from "./model";

// Real slurmrestd documents of every version the console speaks (fixtures/VERSIONS.md names
// their sources), decoded into the one model.

const fixture = (version: string, name: string): unknown => JSON.parse(readFileSync(join(__dirname, "fixtures", version, name), "utf8"));
const codec = (v: string) => codecFor(v)!;

describe("slurmrestd codecs", () => {
  it("speak v0.0.42, v0.0.41, v0.0.40 and v0.0.38, newest first", () => {
    expect(CODECS.map((c) => c.version)).toEqual(["v0.0.42", "v0.0.41", "v0.0.40", "v0.0.38"]);
  });

  it("v0.0.38 (Slurm 22.05): plain numbers, state strings, wait statuses, meta.Slurm", () => {
    const c = codec("v0.0.38");
    expect(c.ping(fixture("v0.0.38", "ping.json"))).toMatchObject({ release: "22.05.8", controllers: [{ up: true }] });
    const jobs = c.jobs(fixture("v0.0.38", "jobs.json"));
    expect(jobs.length).toBeGreaterThan(3);
    const failed = c.jobs(fixture("v0.0.38", "job-failed.json"))[0]!;
    expect(failed).toMatchObject({ state: "FAILED", reason: "NonZeroExitCode", exitCode: 3, userName: "aicslurm2", partition: "debug" });
    expect(failed.startTime).toBeInstanceOf(Date);
    const cancelled = c.jobs(fixture("v0.0.38", "job-cancelled.json"))[0]!;
    expect(cancelled).toMatchObject({ state: "CANCELLED", exitCode: 0, signal: 15 });
    const held = c.jobs(fixture("v0.0.38", "job-held.json"))[0]!;
    expect(held).toMatchObject({ state: "PENDING", reason: "JobHeldUser", startTime: null, endTime: null });
    // Older releases answer the output pattern, not the file.
    expect(held.stdoutPath).toContain("%j");
    const gpuJob = c.jobs(fixture("v0.0.38", "job.json"))[0]!;
    expect(gpuJob.gpus).toBe(1);
    expect(gpuJob.timeLimitMinutes).toBe(5);
    const [node] = c.nodes(fixture("v0.0.38", "nodes.json"));
    expect(node).toMatchObject({ name: "vm", cpus: 2, gpus: 2, partitions: ["debug", "batch"] });
    expect(node!.state).toMatch(/^[A-Z]+$/);
    const parts = c.partitions(fixture("v0.0.38", "partitions.json"));
    expect(parts.map((p) => p.name)).toEqual(["debug", "batch"]);
    expect(parts[0]).toMatchObject({ isDefault: true, totalCpus: 2, totalNodes: 1, maxTimeMinutes: null, state: "UP" });
    expect(c.submitted(fixture("v0.0.38", "submit.json"))).toBe(2);
  });

  for (const v of ["v0.0.40", "v0.0.41", "v0.0.42"]) {
    it(`${v}: {set, infinite, number} numbers, state lists, exit_code objects, meta.slurm`, () => {
      const c = codec(v);
      const ping = c.ping(fixture(v, "ping.json"));
      expect(ping.release).toMatch(/^2\d\.\d\d\.\d+$/);
      expect(ping.controllers.length).toBeGreaterThan(0);
      expect(ping.controllers.every((x) => x.up)).toBe(true);
      const jobs = c.jobs(fixture(v, "jobs.json"));
      expect(jobs.length).toBeGreaterThan(10);
      expect(new Set(jobs.map((j) => j.state))).toEqual(expect.objectContaining({}));
      for (const j of jobs) {
        expect(Number.isInteger(j.jobId)).toBe(true);
        expect(j.state).toMatch(/^[A-Z_]+$/);
      }
      const done = c.jobs(fixture(v, "job-completed.json"))[0]!;
      expect(done).toMatchObject({ state: "COMPLETED", exitCode: 0, reason: null });
      expect(done.endTime!.getTime()).toBeGreaterThanOrEqual(done.startTime!.getTime());
      expect(done.stdoutPath).toMatch(/^\//);
      expect(c.jobs(fixture(v, "job-failed.json"))[0]).toMatchObject({ state: "FAILED", exitCode: 1, reason: "NonZeroExitCode" });
      const pending = c.jobs(fixture(v, "job-pending.json"))[0]!;
      expect(pending).toMatchObject({ state: "PENDING", startTime: null });
      expect(pending.reason).toBeTruthy();
      expect(c.jobs(fixture(v, "job-gpu.json"))[0]!.gpus).toBeGreaterThan(0);
      const nodes = c.nodes(fixture(v, "nodes.json"));
      expect(nodes.length).toBeGreaterThan(2);
      expect(nodes.some((n) => n.stateFlags.includes("DRAIN"))).toBe(true);
      expect(nodes.every((n) => n.cpus > 0 && n.memoryMb > 0)).toBe(true);
      const parts = c.partitions(fixture(v, "partitions.json"));
      expect(parts.length).toBeGreaterThan(0);
      expect(parts.every((p) => p.totalCpus > 0 && p.state === "UP")).toBe(true);
      expect(c.submitted(fixture(v, "submit.json"))).toBeGreaterThan(0);
    });
  }

  it("never throws on unknown or missing fields, or on documents of another shape", () => {
    for (const c of CODECS) {
      for (const doc of [
        null,
        42,
        "x",
        [],
        {},
        { jobs: [null, 1, {}, { job_id: "7", job_state: { odd: true }, extra: [1, 2] }] },
        { nodes: [{ name: "n", cpus: "many" }] },
      ]) {
        expect(() => c.jobs(doc)).not.toThrow();
        expect(() => c.nodes(doc)).not.toThrow();
        expect(() => c.partitions(doc)).not.toThrow();
        expect(() => c.ping(doc)).not.toThrow();
        expect(() => c.submitted(doc)).not.toThrow();
      }
      expect(c.jobs({ jobs: [{ job_id: 7, job_state: ["RUNNING", "COMPLETING"], brand_new_field: { a: 1 } }] })[0]).toMatchObject({
        jobId: 7,
        state: "RUNNING",
        stateFlags: ["COMPLETING"],
      });
    }
  });

  const submit: SlurmSubmit = {
    name: "train",
    script: "#!/bin/bash\necho hi\n",
    partition: "gpu",
    nodes: 2,
    tasks: 4,
    cpusPerTask: 2,
    memoryMbPerNode: 4096,
    timeLimitMinutes: 30,
    gpus: 1,
    environment: { PATH: "/usr/bin:/bin", A: "b c" },
    workingDirectory: "/home/u",
    stdoutPath: "/home/u/slurm-%j.out",
    stderrPath: "/home/u/slurm-%j.err",
    comment: "aiinfra run r1",
  };

  it("encode submissions in each version's shape", () => {
    expect(codec("v0.0.38").submitBody(submit)).toEqual({
      script: submit.script,
      job: {
        name: "train",
        partition: "gpu",
        current_working_directory: "/home/u",
        standard_output: "/home/u/slurm-%j.out",
        standard_error: "/home/u/slurm-%j.err",
        comment: "aiinfra run r1",
        tasks: 4,
        cpus_per_task: 2,
        nodes: [2, 2],
        memory_per_node: 4096,
        gres: "gpu:1",
        time_limit: 30,
        environment: { PATH: "/usr/bin:/bin", A: "b c" },
      },
    });
    for (const v of ["v0.0.40", "v0.0.41", "v0.0.42"]) {
      const body = codec(v).submitBody(submit) as { job: Record<string, unknown> };
      expect(body).not.toHaveProperty("script");
      expect(body.job).toMatchObject({
        script: submit.script,
        minimum_nodes: 2,
        maximum_nodes: 2,
        memory_per_node: { set: true, infinite: false, number: 4096 },
        time_limit: { set: true, infinite: false, number: 30 },
        tres_per_node: "gres/gpu:1",
        environment: ["PATH=/usr/bin:/bin", "A=b c"],
      });
    }
  });
});

describe("Slurm runs", () => {
  it("map Slurm's states onto run statuses", () => {
    expect(
      ["PENDING", "RUNNING", "COMPLETING", "COMPLETED", "FAILED", "NODE_FAIL", "OUT_OF_MEMORY", "TIMEOUT", "CANCELLED", "REQUEUED"].map(runStatusOf),
    ).toEqual(["queued", "running", "running", "succeeded", "failed", "failed", "failed", "timed_out", "cancelled", "queued"]);
  });

  it("name output files as Slurm does", () => {
    const j = { jobId: 42, userName: "alice", name: "train", nodes: "gpu[01-02]", workingDirectory: "/home/alice" };
    expect(expandPath("/home/alice/slurm-%j.out", j)).toBe("/home/alice/slurm-42.out");
    expect(expandPath("out-%x-%u-%N-100%%.log", j)).toBe("/home/alice/out-train-alice-gpu01-100%.log");
  });

  it("cost a finished job from its elapsed time and allocation, rounded down", () => {
    const start = new Date("2026-01-01T00:00:00Z");
    const end = new Date("2026-01-01T00:30:00Z");
    expect(jobCost({ cpus: 4, gpus: 1, startTime: start, endTime: end }, { cpuHourCents: 10, gpuHourCents: 200 })).toEqual({ cents: 120, seconds: 1800 });
    expect(jobCost({ cpus: 1, gpus: 0, startTime: start, endTime: new Date(start.getTime() + 1000) }, { cpuHourCents: 7, gpuHourCents: 0 })).toEqual({
      cents: 0,
      seconds: 1,
    });
    expect(jobCost({ cpus: 4, gpus: 0, startTime: start, endTime: end }, null)).toBeNull();
    // Never started (cancelled while pending): nothing.
    expect(jobCost({ cpus: 4, gpus: 0, startTime: null, endTime: end }, { cpuHourCents: 10, gpuHourCents: 0 })?.cents).toBe(0);
  });
});
