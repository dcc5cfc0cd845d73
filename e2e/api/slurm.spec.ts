// Slurm clusters over HTTP against the real single-host Slurm (scripts/test-env-slurm.sh):
// registration and the connection test, status/nodes/partitions for everyone, wrong
// credentials said plainly, a job that goes pending → running → completed with its output
// read through the login node, a cancelled long job, another user's 404s, a priced
// partition charged once, and a cluster whose slurmrestd stops turning unreachable and back.
import { bearer, expect, test, uniq } from "../fixtures";
import { freePort, mapUser, ownSlurmrestd, registerCluster, SLURM } from "../slurm-fixtures";

type Run = {
  id: string;
  status: string;
  statusMessage: string | null;
  costCents: number;
  exitCode: number | null;
  slurm: { clusterId: string; jobId: number | null; state: string | null; reason: string | null; stdoutPath: string | null; stderrPath: string | null } | null;
};

test.describe.configure({ mode: "parallel" });

test("administrators register a cluster and test it; users read its status, nodes and partitions", async ({ api, adminToken, newUser }) => {
  const admin = bearer(adminToken);
  const alice = await newUser();
  const a = bearer(alice.token);
  expect((await api.post("/api/v1/clusters", { headers: a, data: {} })).status()).toBe(403);

  // Bad input names its field and makes nothing.
  const bad = await api.post("/api/v1/clusters", {
    headers: admin,
    data: { name: "x", url: "ftp://host", authMode: "key", authSecret: "not base64!", serviceUser: "root" },
  });
  expect(bad.status()).toBe(400);
  expect(((await bad.json()).error.issues as { path: string }[]).map((i) => i.path)).toEqual(["url"]);
  const badKey = await api.post("/api/v1/clusters", {
    headers: admin,
    data: { name: `k-${uniq(3)}`, url: SLURM.url, authMode: "key", authSecret: "c2hvcnQ=", serviceUser: "root" },
  });
  expect(badKey.status()).toBe(400);
  expect((await badKey.json()).error.issues[0].path).toBe("authSecret");

  const cluster = await registerCluster(api, adminToken);
  expect(cluster).toMatchObject({ status: "healthy", apiVersion: "v0.0.38", release: "22.05.8" });
  const dup = await api.post("/api/v1/clusters", {
    headers: admin,
    data: { name: cluster.name.toUpperCase(), url: SLURM.url, authMode: "key", authSecret: SLURM.key(), serviceUser: "root" },
  });
  expect(dup.status()).toBe(409);

  const tested = await (await api.post(`/api/v1/clusters/${cluster.id}/test`, { headers: admin })).json();
  expect(tested).toMatchObject({ ok: true, apiVersion: "v0.0.38", release: "22.05.8" });
  expect(tested.partitions).toEqual(["debug", "batch"]);
  expect(tested.checks.map((c: { key: string; ok: boolean }) => [c.key, c.ok])).toEqual([
    ["reach", true],
    ["version", true],
    ["auth", true],
    ["partitions", true],
    ["login", true],
  ]);
  expect((await api.post(`/api/v1/clusters/${cluster.id}/test`, { headers: a })).status()).toBe(403);

  // Users see it without its connection, and read what it has.
  const seen = await (await api.get(`/api/v1/clusters/${cluster.id}`, { headers: a })).json();
  expect(seen.connection).toBeNull();
  expect(JSON.stringify(seen)).not.toContain("127.0.0.1");
  const status = await (await api.get(`/api/v1/clusters/${cluster.id}/status`, { headers: a })).json();
  expect(status).toMatchObject({ status: "healthy", nodes: { total: 1 }, cpus: { total: 2 }, gpus: { total: 2 } });
  expect(status.healthySince).not.toBeNull();
  const nodes = await (await api.get(`/api/v1/clusters/${cluster.id}/nodes`, { headers: a })).json();
  expect(nodes.items).toHaveLength(1);
  expect(nodes.items[0]).toMatchObject({ cpus: { total: 2 }, gpus: { total: 2 }, partitions: ["debug", "batch"] });
  const parts = await (await api.get(`/api/v1/clusters/${cluster.id}/partitions`, { headers: a })).json();
  expect(parts.items.map((p: { name: string; isDefault: boolean }) => [p.name, p.isDefault])).toEqual([
    ["debug", true],
    ["batch", false],
  ]);
  expect((await api.get(`/api/v1/clusters/${cluster.id}/jobs`, { headers: a })).status()).toBe(403);
  expect((await api.get(`/api/v1/clusters/${cluster.id}/jobs`, { headers: admin })).status()).toBe(200);

  // The unix socket answers too.
  const viaSocket = await registerCluster(api, adminToken, { url: SLURM.socket, loginHost: null, loginUser: null, loginPrivateKey: null });
  expect(viaSocket).toMatchObject({ status: "healthy", apiVersion: "v0.0.38" });

  // A wrong token (22.05 answers it with HTTP 500) is an authentication error, said plainly.
  const forged = `${SLURM.rootToken().split(".").slice(0, 2).join(".")}.${Buffer.from("not the signature").toString("base64url")}`;
  const wrong = await api.post("/api/v1/clusters", {
    headers: admin,
    data: { name: `wrong-${uniq(3)}`, url: SLURM.url, authMode: "token", authSecret: forged, serviceUser: "root" },
  });
  expect(wrong.status()).toBe(201);
  const w = await wrong.json();
  expect(w.status).toBe("degraded");
  expect(w.statusMessage).toMatch(/refused the credentials/);
  const wt = await (await api.post(`/api/v1/clusters/${w.id}/test`, { headers: admin })).json();
  expect(wt.ok).toBe(false);
  expect(wt.checks.find((c: { key: string }) => c.key === "auth")).toMatchObject({ ok: false, message: expect.stringMatching(/refused the credentials/) });
  const wn = await api.get(`/api/v1/clusters/${w.id}/nodes`, { headers: admin });
  expect(wn.status()).toBe(502);
  expect((await wn.json()).error.code).toBe("CLUSTER_AUTH_FAILED");

  // History: the first check recorded the status.
  const events = await (await api.get(`/api/v1/clusters/${cluster.id}/events`, { headers: admin })).json();
  expect(events.items[0]).toMatchObject({ status: "healthy" });
});

async function runOf(api: import("@playwright/test").APIRequestContext, token: string, jobId: string): Promise<Run | undefined> {
  const res = await api.get(`/api/v1/runs?jobId=${jobId}`, { headers: bearer(token) });
  return ((await res.json()) as { items: Run[] }).items[0];
}

test("a user's Slurm job waits, runs and completes; its output and errors are read; it is theirs alone", async ({ api, adminToken, newUser }) => {
  test.setTimeout(180_000);
  const cluster = await registerCluster(api, adminToken);
  const alice = await newUser();
  const bob = await newUser();
  await mapUser(api, adminToken, cluster.id, alice.id, "aicslurm1");
  await mapUser(api, adminToken, cluster.id, bob.id, "aicslurm2");
  const a = bearer(alice.token);

  // A partition the cluster does not have is refused up front, naming it.
  const badPart = await api.post("/api/v1/jobs", {
    headers: a,
    data: { executor: "slurm", name: "x", slurm: { clusterId: cluster.id, script: "#!/bin/bash\ntrue\n", partition: "nope" } },
  });
  expect(badPart.status()).toBe(400);
  expect((await badPart.json()).error.issues[0]).toMatchObject({ path: "slurm.partition", message: expect.stringContaining("debug, batch") });

  // Both GPUs held by a first job make the second wait in Slurm's queue (Resources).
  const holder = await api.post("/api/v1/jobs", {
    headers: a,
    data: { executor: "slurm", name: `hold-${uniq(3)}`, timeoutSeconds: 120, slurm: { clusterId: cluster.id, script: "#!/bin/bash\nsleep 8\n", gpus: 2 } },
  });
  expect(holder.status(), await holder.text()).toBe(201);
  const holderJob = await holder.json();
  await expect.poll(async () => (await runOf(api, alice.token, holderJob.id))?.slurm?.state, { timeout: 60_000 }).toBe("RUNNING");

  const made = await api.post("/api/v1/jobs", {
    headers: a,
    data: {
      executor: "slurm",
      name: `hello-${uniq(3)}`,
      timeoutSeconds: 120,
      slurm: {
        clusterId: cluster.id,
        script:
          '#!/bin/bash\n#SBATCH --comment=ignored\necho "hello from $(id -un) on $SLURM_JOB_PARTITION with GPU $CUDA_VISIBLE_DEVICES"\necho "MY_VAR=$MY_VAR"\necho "oops" >&2\nsleep 3\n',
        partition: "debug",
        gpus: 1,
        cpusPerTask: 1,
        memoryMb: 64,
        env: { MY_VAR: "a b" },
      },
    },
  });
  expect(made.status(), await made.text()).toBe(201);
  const job = await made.json();
  const seen: string[] = [];
  await expect
    .poll(
      async () => {
        const r = await runOf(api, alice.token, job.id);
        if (r) seen.push(`${r.status}/${r.slurm?.state ?? "-"}`);
        return r?.status;
      },
      { timeout: 120_000, intervals: [250] },
    )
    .toBe("succeeded");
  expect(seen).toContain("queued/PENDING");
  expect(seen).toContain("running/RUNNING");
  const run = (await runOf(api, alice.token, job.id))!;
  expect(run.slurm).toMatchObject({ clusterId: cluster.id, state: "COMPLETED", stdoutPath: `/home/aicslurm1/slurm-${run.slurm!.jobId}.out` });
  expect(run.exitCode).toBe(0);
  expect(run.statusMessage).toMatch(/COMPLETED/);

  const out = await (await api.get(`/api/v1/runs/${run.id}/logs`, { headers: a })).json();
  expect(out.lines.map((l: { text: string }) => l.text)).toEqual(["hello from aicslurm1 on debug with GPU 0", "MY_VAR=a b"]);
  const err = await (await api.get(`/api/v1/runs/${run.id}/logs?file=error`, { headers: a })).json();
  expect(err.lines).toEqual([{ stream: "stderr", text: "oops" }]);
  const download = await api.get(`/api/v1/runs/${run.id}/logs/download`, { headers: a });
  expect(download.status()).toBe(200);
  expect(await download.text()).toContain("hello from aicslurm1");

  // Bob sees none of it.
  const b = bearer(bob.token);
  for (const [method, url] of [
    ["GET", `/api/v1/runs/${run.id}`],
    ["GET", `/api/v1/runs/${run.id}/logs`],
    ["POST", `/api/v1/runs/${run.id}/cancel`],
    ["GET", `/api/v1/jobs/${job.id}`],
  ] as const) {
    expect((await api.fetch(url, { method, headers: b })).status(), `${method} ${url}`).toBe(404);
  }
  expect((await (await api.get("/api/v1/runs", { headers: b })).json()).total).toBe(0);

  // Administrators see every job in the cluster, the console's named by their run.
  const all = await (await api.get(`/api/v1/clusters/${cluster.id}/jobs?pageSize=100`, { headers: bearer(adminToken) })).json();
  expect(all.items.find((j: { jobId: number }) => j.jobId === run.slurm!.jobId)).toMatchObject({ runId: run.id, user: "aicslurm1", state: "COMPLETED" });
});

test("a long Slurm job is cancelled in Slurm; another user cannot cancel it", async ({ api, adminToken, newUser }) => {
  test.setTimeout(120_000);
  const cluster = await registerCluster(api, adminToken);
  const alice = await newUser();
  const bob = await newUser();
  await mapUser(api, adminToken, cluster.id, alice.id, "aicslurm1");
  const a = bearer(alice.token);
  const made = await api.post("/api/v1/jobs", {
    headers: a,
    data: {
      executor: "slurm",
      name: `long-${uniq(3)}`,
      timeoutSeconds: 600,
      trigger: "once",
      runAt: new Date(Date.now() + 3_600_000).toISOString(),
      slurm: { clusterId: cluster.id, script: "#!/bin/bash\nsleep 300\n" },
    },
  });
  expect(made.status(), await made.text()).toBe(201);
  const job = await made.json();
  // Triggering answers with Slurm's job id, as sbatch does.
  const triggered = await api.post(`/api/v1/jobs/${job.id}/trigger`, { headers: a });
  expect(triggered.status()).toBe(201);
  expect((await triggered.json()).slurm.jobId).toBeGreaterThan(0);
  await expect.poll(async () => (await runOf(api, alice.token, job.id))?.status, { timeout: 60_000 }).toBe("running");
  const run = (await runOf(api, alice.token, job.id))!;
  expect((await api.post(`/api/v1/runs/${run.id}/cancel`, { headers: bearer(bob.token) })).status()).toBe(404);
  expect((await api.post(`/api/v1/runs/${run.id}/cancel`, { headers: a })).status()).toBe(200);
  await expect.poll(async () => (await runOf(api, alice.token, job.id))?.status, { timeout: 30_000 }).toBe("cancelled");
  // Slurm itself says so.
  await expect
    .poll(
      async () => {
        const all = await (await api.get(`/api/v1/clusters/${cluster.id}/jobs?pageSize=100`, { headers: bearer(adminToken) })).json();
        return all.items.find((j: { jobId: number }) => j.jobId === run.slurm!.jobId)?.state;
      },
      { timeout: 20_000 },
    )
    .toBe("CANCELLED");
});

test("a job past its time limit is ended by Slurm: timed_out", async ({ api, adminToken, newUser }) => {
  // Slurm's limit is whole minutes, and it looks for overruns every 30 s.
  test.setTimeout(240_000);
  const cluster = await registerCluster(api, adminToken);
  const alice = await newUser();
  await mapUser(api, adminToken, cluster.id, alice.id, "aicslurm2");
  const made = await api.post("/api/v1/jobs", {
    headers: bearer(alice.token),
    data: { executor: "slurm", name: `slow-${uniq(3)}`, timeoutSeconds: 60, slurm: { clusterId: cluster.id, script: "#!/bin/bash\nsleep 600\n" } },
  });
  expect(made.status(), await made.text()).toBe(201);
  const job = await made.json();
  await expect.poll(async () => (await runOf(api, alice.token, job.id))?.status, { timeout: 200_000, intervals: [2000] }).toBe("timed_out");
  const run = (await runOf(api, alice.token, job.id))!;
  expect(run.slurm).toMatchObject({ state: "TIMEOUT", reason: "TimeLimit" });
});

test("a job on a priced partition is charged once, from Slurm's elapsed time", async ({ api, adminToken, newUser }) => {
  test.setTimeout(120_000);
  // 1 cent per CPU-second.
  const cluster = await registerCluster(api, adminToken, { prices: [{ partition: "batch", cpuHourCents: 3600, gpuHourCents: 0 }] });
  const alice = await newUser();
  await mapUser(api, adminToken, cluster.id, alice.id, "aicslurm1");
  const a = bearer(alice.token);
  const before = (await (await api.get("/api/v1/billing/summary", { headers: a })).json()).balanceCents as number;
  const made = await api.post("/api/v1/jobs", {
    headers: a,
    data: {
      executor: "slurm",
      name: `paid-${uniq(3)}`,
      timeoutSeconds: 120,
      slurm: { clusterId: cluster.id, script: "#!/bin/bash\nsleep 3\n", partition: "batch" },
    },
  });
  expect(made.status(), await made.text()).toBe(201);
  const job = await made.json();
  await expect.poll(async () => (await runOf(api, alice.token, job.id))?.status, { timeout: 90_000 }).toBe("succeeded");
  const run = (await runOf(api, alice.token, job.id))!;
  expect(run.costCents).toBeGreaterThanOrEqual(3);
  expect(run.costCents).toBeLessThanOrEqual(6);
  const ledger = await (await api.get("/api/v1/billing/ledger?kind=usage&pageSize=100", { headers: a })).json();
  const entries = (ledger.items as { amountCents: number; note: string | null }[]).filter((e) => e.note?.includes(`Slurm job ${run.slurm!.jobId} `));
  expect(entries).toHaveLength(1);
  expect(entries[0]!.amountCents).toBe(-run.costCents);
  const after = (await (await api.get("/api/v1/billing/summary", { headers: a })).json()).balanceCents as number;
  expect(before - after).toBe(run.costCents);
});

test("a cluster whose slurmrestd stops turns unreachable, and healthy again when it is back", async ({ api, adminToken }) => {
  test.skip(process.getuid?.() !== 0, "starts its own slurmrestd (needs root)");
  test.setTimeout(120_000);
  const port = await freePort();
  const own = ownSlurmrestd(port);
  await own.start();
  try {
    const cluster = await registerCluster(api, adminToken, { url: `http://127.0.0.1:${port}`, loginHost: null, loginUser: null, loginPrivateKey: null });
    expect(cluster.status).toBe("healthy");
    const status = async () => (await (await api.get(`/api/v1/clusters/${cluster.id}`, { headers: bearer(adminToken) })).json()) as Cluster;
    await own.stop();
    await expect.poll(async () => (await status()).status, { timeout: 30_000 }).toBe("unreachable");
    expect((await status()).statusMessage).toMatch(/Connection refused/);
    const nodes = await api.get(`/api/v1/clusters/${cluster.id}/nodes`, { headers: bearer(adminToken) });
    expect(nodes.status()).toBe(502);
    expect((await nodes.json()).error.code).toBe("CLUSTER_UNREACHABLE");
    await own.start();
    await expect.poll(async () => (await status()).status, { timeout: 30_000 }).toBe("healthy");
    const events = await (await api.get(`/api/v1/clusters/${cluster.id}/events`, { headers: bearer(adminToken) })).json();
    expect(events.items.map((e: { status: string }) => e.status)).toEqual(["healthy", "unreachable", "healthy"]);
  } finally {
    await own.stop();
  }
});

type Cluster = { id: string; status: string; statusMessage: string | null };
