// Jobs across console processes, against consoles of their own: a console killed (SIGKILL)
// during a container run is restarted, takes the run over and sees it to its end, charged
// exactly once; the same for a Slurm run (followed again, never submitted twice); two consoles on one PostgreSQL database fire a per-second schedule for 60 s,
// each second exactly once, each run dispatched once.
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { bearer, expect, fundUser, login, test } from "../fixtures";
import { launchSetup } from "../node-fixtures";
import { mapUser, registerCluster } from "../slurm-fixtures";
import { start, tempPostgresDb } from "../process";

const ADMIN_PASSWORD = "jobs-admin-pw";
type Run = { id: string; status: string; statusMessage: string | null; costCents: number; scheduledFor: string | null; exitCode: number | null };
type Entry = { kind: string; amountCents: number; periodStart: string | null; periodEnd: string | null; instanceId: string | null; note: string | null };

function consoleEnv(dir: string, db: string | null): Record<string, string> {
  return {
    ADMIN_PASSWORD,
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), dir)),
    BILLING_INTERVAL_SEC: "2",
    RECONCILE_INTERVAL_SEC: "2",
    JOB_LEASE_SEC: "3",
    NODE_HEALTH_INTERVAL_SEC: "3600",
    GPU_POLL_SEC: "3600",
    ...(db ? { DATABASE_URL: db } : {}),
  };
}

test("a console killed while following a Slurm job: after restart it follows the same job to its end, charged once", async ({ playwright }, testInfo) => {
  test.setTimeout(150_000);
  const pg = testInfo.project.metadata.db === "postgres" ? await tempPostgresDb("aic_slurm") : null;
  const env = { ...consoleEnv("aic-slurm-", pg?.url ?? null), SLURM_POLL_SEC: "1" };
  let c = await start(env);
  try {
    let api = await playwright.request.newContext({ baseURL: c.url });
    let admin = await login(api, "admin", ADMIN_PASSWORD);
    const me = (await (await api.get("/api/v1/users/me", { headers: bearer(admin) })).json()) as { id: string };
    await fundUser(api, admin, me.id, 10_000_000);
    // 1 cent per CPU-second on batch.
    const cluster = await registerCluster(api, admin, { prices: [{ partition: "batch", cpuHourCents: 3600, gpuHourCents: 0 }] });
    await mapUser(api, admin, cluster.id, me.id, "aicslurm1");
    const made = await api.post("/api/v1/jobs", {
      headers: bearer(admin),
      data: {
        executor: "slurm",
        name: "survives",
        timeoutSeconds: 120,
        slurm: { clusterId: cluster.id, partition: "batch", script: "#!/bin/bash\necho begin\nsleep 8\necho end\n" },
      },
    });
    expect(made.status(), await made.text()).toBe(201);
    const jobId = ((await made.json()) as { id: string }).id;
    type SlurmRun = Run & { slurm: { jobId: number | null; state: string | null } };
    const run = async () => ((await (await api.get(`/api/v1/runs?jobId=${jobId}`, { headers: bearer(admin) })).json()) as { items: SlurmRun[] }).items;
    await expect.poll(async () => (await run())[0]?.status, { timeout: 30_000 }).toBe("running");
    const slurmJobId = (await run())[0]!.slurm.jobId;

    c.child.kill("SIGKILL");
    await new Promise((r) => c.child.once("exit", r));
    await api.dispose();
    c = await start(env);
    api = await playwright.request.newContext({ baseURL: c.url });
    admin = await login(api, "admin", ADMIN_PASSWORD);

    await expect.poll(async () => (await run())[0]?.status, { timeout: 60_000 }).toBe("succeeded");
    const runs = await run();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.slurm).toMatchObject({ jobId: slurmJobId, state: "COMPLETED" });
    const logs = (await (await api.get(`/api/v1/runs/${runs[0]!.id}/logs`, { headers: bearer(admin) })).json()) as { lines: { text: string }[] };
    expect(logs.lines.map((l) => l.text)).toEqual(["begin", "end"]);
    // One Slurm job in the cluster for the run, and one charge for it.
    const all = (await (await api.get(`/api/v1/clusters/${cluster.id}/jobs?pageSize=100`, { headers: bearer(admin) })).json()) as {
      items: { runId: string | null }[];
    };
    expect(all.items.filter((j) => j.runId === runs[0]!.id)).toHaveLength(1);
    const ledger = (await (await api.get("/api/v1/billing/ledger?kind=usage&pageSize=100", { headers: bearer(admin) })).json()) as { items: Entry[] };
    const charges = ledger.items.filter((e) => e.note?.includes(`Slurm job ${slurmJobId} `));
    expect(charges).toHaveLength(1);
    expect(-charges[0]!.amountCents).toBe(runs[0]!.costCents);
    expect(runs[0]!.costCents).toBeGreaterThanOrEqual(8);
    await api.dispose();
  } finally {
    await c.stop();
    await pg?.drop();
  }
});

test("a console killed during a container run: after restart the run completes, charged exactly once", async ({ playwright }, testInfo) => {
  test.setTimeout(150_000);
  const pg = testInfo.project.metadata.db === "postgres" ? await tempPostgresDb("aic_jobs") : null;
  const env = consoleEnv("aic-jobs-", pg?.url ?? null);
  let c = await start(env);
  try {
    let api = await playwright.request.newContext({ baseURL: c.url });
    let admin = await login(api, "admin", ADMIN_PASSWORD);
    const me = (await (await api.get("/api/v1/users/me", { headers: bearer(admin) })).json()) as { id: string };
    await fundUser(api, admin, me.id, 10_000_000);
    // 100 cents a second.
    const { image, spec } = await launchSetup(api, admin, { pricePerHourCents: 360_000 });
    const made = await api.post("/api/v1/jobs", {
      headers: bearer(admin),
      data: { executor: "container", name: "survives", imageId: image.id, specId: spec.id, container: { command: "echo begin; sleep 10; echo end" } },
    });
    expect(made.status(), await made.text()).toBe(201);
    const jobId = ((await made.json()) as { id: string }).id;
    const run = async () => ((await (await api.get(`/api/v1/runs?jobId=${jobId}`, { headers: bearer(admin) })).json()) as { items: Run[] }).items;
    await expect.poll(async () => (await run())[0]?.status, { timeout: 30_000 }).toBe("running");

    c.child.kill("SIGKILL");
    await new Promise((r) => c.child.once("exit", r));
    await api.dispose();
    await new Promise((r) => setTimeout(r, 2_000));
    c = await start(env);
    api = await playwright.request.newContext({ baseURL: c.url });
    admin = await login(api, "admin", ADMIN_PASSWORD);

    await expect.poll(async () => (await run())[0]?.status, { timeout: 60_000 }).toBe("succeeded");
    const runs = await run();
    // One run, not a lost one and a retry: the container was never interrupted.
    expect(runs).toHaveLength(1);
    const [done] = runs;
    expect(done).toMatchObject({ exitCode: 0 });
    const logs = (await (await api.get(`/api/v1/runs/${done!.id}/logs`, { headers: bearer(admin) })).json()) as { lines: { text: string }[] };
    expect(logs.lines.map((l) => l.text)).toEqual(["begin", "end"]);

    // Charged exactly once: the run's intervals contiguous, none twice, adding up to its cost (about 10 s at 100 cents a second).
    const ledger = (await (await api.get("/api/v1/billing/ledger?pageSize=100", { headers: bearer(admin) })).json()) as { items: Entry[] };
    const mine = ledger.items.filter((e) => e.note?.includes(done!.id)).reverse();
    const usage = mine.filter((e) => e.kind === "usage");
    expect(new Set(usage.map((e) => e.periodStart)).size).toBe(usage.length);
    for (let i = 1; i < usage.length; i++) expect(usage[i]!.periodStart, `interval ${i}`).toBe(usage[i - 1]!.periodEnd);
    const total = -mine.reduce((s, e) => s + e.amountCents, 0);
    expect(total).toBe(done!.costCents);
    expect(total).toBeGreaterThanOrEqual(900);
    expect(total).toBeLessThanOrEqual(1_500);
    const invariant = await (await api.get("/api/v1/admin/billing/invariant", { headers: bearer(admin) })).json();
    expect(invariant).toMatchObject({ ok: true, mismatches: [] });
    await api.dispose();
  } finally {
    await c.stop();
    await pg?.drop();
  }
});

test("two consoles on one PostgreSQL database fire a per-second schedule for 60 s: each second once, each run dispatched once", async ({
  playwright,
}, testInfo) => {
  test.skip(testInfo.project.metadata.db !== "postgres", "several console processes share a PostgreSQL database");
  test.setTimeout(180_000);
  let hits = 0;
  const target = createServer((_req, res) => {
    hits++;
    res.writeHead(204).end();
  });
  await new Promise<void>((r) => target.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/tick`;
  const pg = await tempPostgresDb("aic_cron");
  const env = { ...consoleEnv("aic-cron-", pg.url), EGRESS_ALLOWLIST: "127.0.0.1/32", JOB_MAX_RUNNING_PER_USER: "100" };
  const a = await start(env);
  const b = await start(env);
  try {
    const api = await playwright.request.newContext({ baseURL: a.url });
    const admin = await login(api, "admin", ADMIN_PASSWORD);
    const made = await api.post("/api/v1/jobs", {
      headers: bearer(admin),
      data: { executor: "http", name: "every second", http: { url }, trigger: "cron", cron: "* * * * * *", overlap: "allow" },
    });
    expect(made.status(), await made.text()).toBe(201);
    const job = (await made.json()) as { id: string };
    await new Promise((r) => setTimeout(r, 60_000));
    expect((await api.post(`/api/v1/jobs/${job.id}/pause`, { headers: bearer(admin) })).status()).toBe(200);
    const all = async () => {
      const items: Run[] = [];
      for (let page = 1; ; page++) {
        const res = (await (await api.get(`/api/v1/runs?jobId=${job.id}&pageSize=100&page=${page}`, { headers: bearer(admin) })).json()) as { items: Run[] };
        items.push(...res.items);
        if (res.items.length < 100) return items;
      }
    };
    await expect.poll(async () => (await all()).filter((r) => ["queued", "starting", "running"].includes(r.status)).length, { timeout: 20_000 }).toBe(0);
    const runs = await all();
    const seconds = runs.map((r) => Date.parse(r.scheduledFor!)).sort((x, y) => x - y);
    // Each second exactly once, none missed between the first and the last.
    expect(new Set(seconds).size).toBe(seconds.length);
    expect(seconds.length).toBeGreaterThanOrEqual(57);
    for (let i = 1; i < seconds.length; i++) expect(seconds[i]! - seconds[i - 1]!, `after ${new Date(seconds[i - 1]!).toISOString()}`).toBe(1_000);
    // Each run dispatched once: as many requests as runs, all of them answered.
    expect(runs.every((r) => r.status === "succeeded")).toBe(true);
    expect(hits).toBe(runs.length);
    // Both consoles took part.
    testInfo.annotations.push({ type: "runs", description: `${runs.length} runs in 60 s from two consoles` });
    await api.dispose();
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    target.close();
    await pg.drop();
  }
});
