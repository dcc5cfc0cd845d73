#!/usr/bin/env node
// Slurm: the console's job list for a cluster with BENCH_SLURM_JOBS (1,000) jobs in Slurm's
// queue (requests/s, 10 connections), against slurmrestd's own GET /jobs; and how many
// requests reach slurmrestd per minute while 20 viewers keep the cluster page open (each
// reading status, nodes and jobs every 2 s). A counting proxy between the console and
// slurmrestd counts the requests. Needs the Slurm fixture (scripts/test-env-slurm.sh, root).
import { readFileSync } from "node:fs";
import http from "node:http";
import autocannon from "autocannon";
import { printFacts } from "./machine.mjs";
import { adminSession, startConsole } from "./servers.mjs";

const FIX = process.env.AIC_FIXTURES ?? "/var/lib/aic-test";
const JOBS = Number(process.env.BENCH_SLURM_JOBS ?? 1000);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const VIEWERS = 20;
const VIEW_SECONDS = Number(process.env.BENCH_SLURM_VIEW_SECONDS ?? 30);
const SLURMRESTD = { host: "127.0.0.1", port: 6820 };
const token = /SLURM_ROOT_TOKEN=(\S+)/.exec(readFileSync(`${FIX}/slurm/env`, "utf8"))[1];
const slurmHeaders = (user) => ({ "X-SLURM-USER-NAME": user, "X-SLURM-USER-TOKEN": token, "content-type": "application/json" });
const slurm = (method, path, user = "root", body) =>
  fetch(`http://${SLURMRESTD.host}:${SLURMRESTD.port}/slurm/v0.0.38${path}`, { method, headers: slurmHeaders(user), body: body && JSON.stringify(body) }).then(
    (r) => r.json(),
  );

const run = (opts) => new Promise((resolve, reject) => autocannon({ duration: DURATION, ...opts }, (err, res) => (err ? reject(err) : resolve(res))));

/** Forwards to slurmrestd, counting requests by path. */
function countingProxy() {
  const counts = new Map();
  const server = http.createServer((req, res) => {
    const kind = (req.url ?? "").replace(/^\/slurm\/v[\d.]+\//, "").replace(/\/\d+$/, "/{id}");
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    const up = http.request({ ...SLURMRESTD, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ port: server.address().port, counts, close: () => new Promise((r) => server.close(r)) })),
  );
}

async function queueHeldJobs() {
  const ids = [];
  for (let i = 0; i < JOBS; i += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, JOBS - i) }, (_, k) =>
        slurm("POST", "/job/submit", "aicslurm2", {
          script: "#!/bin/sh\ntrue\n",
          job: { name: `bench-${i + k}`, hold: true, environment: { PATH: "/bin" }, current_working_directory: "/tmp", time_limit: 1 },
        }),
      ),
    );
    ids.push(...batch.map((b) => b.job_id).filter((x) => typeof x === "number"));
  }
  return ids;
}

async function cancelAll(ids) {
  for (let i = 0; i < ids.length; i += 20) await Promise.all(ids.slice(i, i + 20).map((id) => slurm("DELETE", `/job/${id}`, "aicslurm2")));
}

printFacts(`Slurm benchmark (${JOBS} held jobs in the queue of the fixture cluster, slurmrestd 22.05 v0.0.38)`);
const ids = await queueHeldJobs();
const rows = [];
try {
  const inQueue = (await slurm("GET", "/jobs")).jobs.length;
  const direct = await run({ url: `http://${SLURMRESTD.host}:${SLURMRESTD.port}/slurm/v0.0.38/jobs`, connections: 10, headers: slurmHeaders("root") });
  rows.push({ db: "-", case: `slurmrestd GET /jobs (${inQueue} jobs)`, result: `${direct.requests.average.toFixed(0)} req/s · p50 ${direct.latency.p50} ms` });
  for (const [db, port] of [
    ["sqlite", 3251],
    ["postgres", 3252],
  ]) {
    const proxy = await countingProxy();
    const c = await startConsole(db, port, { SLURM_POLL_SEC: "10" });
    try {
      const { h, post } = await adminSession(c);
      const key = readFileSync(`${FIX}/slurm/jwt_hs256.key`).toString("base64");
      const cluster = await post("/api/v1/clusters", {
        name: "bench",
        url: `http://127.0.0.1:${proxy.port}`,
        authMode: "key",
        authSecret: key,
        serviceUser: "root",
      });
      const list = await run({ url: `${c.url}/api/v1/clusters/${cluster.id}/jobs?pageSize=50`, connections: 10, headers: h });
      rows.push({
        db,
        case: `console GET /clusters/{id}/jobs?pageSize=50 (${inQueue} jobs)`,
        result: `${list.requests.average.toFixed(0)} req/s · p50 ${list.latency.p50} ms`,
      });
      // 20 viewers of the cluster page, each reading its three parts every 2 s.
      proxy.counts.clear();
      const t0 = Date.now();
      let reads = 0;
      await Promise.all(
        Array.from({ length: VIEWERS }, async (_, v) => {
          await new Promise((r) => setTimeout(r, (v * 2000) / VIEWERS));
          while (Date.now() - t0 < VIEW_SECONDS * 1000) {
            await Promise.all(
              ["status", "nodes", "jobs?pageSize=20"].map((p) =>
                fetch(`${c.url}/api/v1/clusters/${cluster.id}/${p}`, { headers: h }).then((r) => r.arrayBuffer()),
              ),
            );
            reads += 3;
            await new Promise((r) => setTimeout(r, 2000));
          }
        }),
      );
      const minutes = (Date.now() - t0) / 60_000;
      const total = [...proxy.counts.values()].reduce((a, b) => a + b, 0);
      const byKind = [...proxy.counts].map(([k, n]) => `${k} ${(n / minutes).toFixed(1)}`).join(", ");
      rows.push({
        db,
        case: `${VIEWERS} viewers for ${VIEW_SECONDS} s (${(reads / minutes).toFixed(0)} console reads/min)`,
        result: `${(total / minutes).toFixed(1)} slurmrestd requests/min (${byKind})`,
      });
    } finally {
      await c.stop();
      await proxy.close();
    }
  }
} finally {
  await cancelAll(ids);
}
console.table(rows);
