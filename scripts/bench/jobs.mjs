#!/usr/bin/env node
// Jobs: queued-to-running latency of container runs (p50/p99) through the console against
// `docker run -d` of the same image and command on the same engine (and the ratio of the
// medians); the scheduler's pass with 10,000 active cron jobs (none due, and 1,000 due at
// once); and claims of queued runs per second, one at a time and 8 at once. On SQLite and
// PostgreSQL.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { printFacts } from "./machine.mjs";
import { adminSession, startConsole } from "./servers.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const RUNS = Number(process.env.BENCH_JOB_RUNS ?? 20);
const CRON_JOBS = Number(process.env.BENCH_CRON_JOBS ?? 10_000);
const IMAGE = "local/aic-app:latest";
const COMMAND = "trap 'exit 0' TERM; sleep 120 & wait";

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function json(res) {
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

function dockerRunMs(i) {
  const name = `aic-bench-job-${process.pid}-${i}`;
  const t0 = performance.now();
  execFileSync("docker", ["run", "-d", "--name", name, "--cpus", "1", "--memory", "1g", IMAGE, "sh", "-c", COMMAND], { stdio: "ignore" });
  const ms = performance.now() - t0;
  execFileSync("docker", ["rm", "-f", name], { stdio: "ignore" });
  return ms;
}

async function bench(db, port) {
  const c = await startConsole(db, port);
  const rows = [];
  let stopped = false;
  try {
    const { h, post } = await adminSession(c);
    const node = await post("/api/v1/nodes", { name: "bench-local", dockerAddress: "unix:///var/run/docker.sock", cpuCores: 64, memoryGb: 256 });
    await post(`/api/v1/nodes/${node.id}/test`, {});
    const image = await post("/api/v1/images", { name: "aic-app", address: IMAGE });
    const spec = await post("/api/v1/specs", { name: "cpu-1", cpuCores: 1, memoryGb: 1, pricePerHourCents: 100 });
    const job = await post("/api/v1/jobs", {
      executor: "container",
      name: "bench",
      imageId: image.id,
      specId: spec.id,
      container: { command: COMMAND },
      trigger: "once",
      runAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const consoleMs = [];
    const rawMs = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const run = await post(`/api/v1/jobs/${job.id}/trigger`, {});
      for (;;) {
        const r = await json(await fetch(`${c.url}/api/v1/runs/${run.id}`, { headers: h }));
        if (r.status === "running") break;
        if (["failed", "cancelled", "lost", "timed_out"].includes(r.status)) throw new Error(`${r.status}: ${r.statusMessage}`);
        await sleep(5);
      }
      consoleMs.push(performance.now() - t0);
      await post(`/api/v1/runs/${run.id}/cancel`, {});
      for (let k = 0; k < 400; k++) {
        if ((await json(await fetch(`${c.url}/api/v1/runs/${run.id}`, { headers: h }))).status === "cancelled") break;
        await sleep(25);
      }
      rawMs.push(dockerRunMs(i));
    }
    rows.push({
      db,
      case: `queued → running, container run (${RUNS})`,
      console: `p50 ${pct(consoleMs, 50).toFixed(0)} ms · p99 ${pct(consoleMs, 99).toFixed(0)} ms`,
      baseline: `docker run -d: p50 ${pct(rawMs, 50).toFixed(0)} ms · p99 ${pct(rawMs, 99).toFixed(0)} ms`,
      ratio: (pct(consoleMs, 50) / pct(rawMs, 50)).toFixed(2),
    });

    // The rest on the database alone: the console's own scheduler and dispatcher would race the measurement.
    await c.stop();
    stopped = true;
    const out = execFileSync(
      path.join(root, "node_modules/.bin/tsx"),
      ["--conditions=react-server", path.join(root, "scripts/bench/jobs-tick.ts"), String(CRON_JOBS)],
      { cwd: root, env: { ...process.env, DATABASE_URL: c.databaseUrl, LOG_LEVEL: "silent" }, encoding: "utf8" },
    );
    const r = JSON.parse(out.trim().split("\n").pop());
    rows.push({
      db,
      case: `scheduler pass, ${r.jobs} active cron jobs, none due`,
      console: `p50 ${r.idleP50} ms · p99 ${r.idleP99} ms`,
      baseline: "",
      ratio: "",
    });
    rows.push({ db, case: `scheduler pass, ${r.due} of them due at once`, console: `${r.dueMs} ms (${r.dueRuns} runs queued)`, baseline: "", ratio: "" });
    rows.push({
      db,
      case: `claims of ${r.claims} queued runs`,
      console: `${r.claimsPerSec} claims/s one at a time`,
      baseline: `${r.claimsPerSec8} claims/s 8 at once`,
      ratio: "",
    });
  } finally {
    if (!stopped) await c.stop();
  }
  return rows;
}

printFacts(`Jobs benchmark (image ${IMAGE} on the local dockerd)`);
const all = [];
for (const [db, port] of [
  ["sqlite", 3241],
  ["postgres", 3242],
])
  all.push(...(await bench(db, port)));
console.table(all);
