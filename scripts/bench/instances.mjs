#!/usr/bin/env node
// Instances: launch-to-running through the console against `docker run -d` of the same
// image on the same engine (median of several, and their ratio), and list throughput with
// 10,000 instances in the database, on SQLite and PostgreSQL.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { printFacts } from "./machine.mjs";
import { adminSession, startConsole } from "./servers.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const RUNS = Number(process.env.BENCH_LAUNCHES ?? 7);
const ROWS = Number(process.env.BENCH_INSTANCES ?? 10_000);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const IMAGE = "local/aic-app:latest";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function json(res) {
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

function dockerRunMs(i) {
  const name = `aic-bench-raw-${process.pid}-${i}`;
  const t0 = performance.now();
  execFileSync(
    "docker",
    ["run", "-d", "-t", "-i", "--name", name, "--cpus", "1", "--memory", "1g", "--memory-swap", "1g", "-v", `${name}-data:/root/data`, IMAGE],
    { stdio: "ignore" },
  );
  const ms = performance.now() - t0;
  execFileSync("docker", ["rm", "-f", "-v", name], { stdio: "ignore" });
  execFileSync("docker", ["volume", "rm", "-f", `${name}-data`], { stdio: "ignore" });
  return ms;
}

async function bench(db, port) {
  const c = await startConsole(db, port);
  const rows = [];
  try {
    const { h, post } = await adminSession(c);
    const node = await post("/api/v1/nodes", { name: "bench-local", dockerAddress: "unix:///var/run/docker.sock", cpuCores: 64, memoryGb: 256 });
    await post(`/api/v1/nodes/${node.id}/test`, {});
    const image = await post("/api/v1/images", { name: "aic-app", address: IMAGE });
    const spec = await post("/api/v1/specs", { name: "cpu-1", cpuCores: 1, memoryGb: 1, pricePerHourCents: 100 });

    const consoleMs = [];
    const rawMs = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const created = await post("/api/v1/instances", { name: `launch-${i}`, imageId: image.id, specId: spec.id, nodeId: node.id });
      for (;;) {
        const s = await json(await fetch(`${c.url}/api/v1/instances/${created.id}`, { headers: h }));
        if (s.status === "running") break;
        if (s.status === "failed") throw new Error(s.statusMessage);
        await sleep(10);
      }
      consoleMs.push(performance.now() - t0);
      await json(await fetch(`${c.url}/api/v1/instances/${created.id}`, { method: "DELETE", headers: h }));
      rawMs.push(dockerRunMs(i));
    }
    rows.push({
      db,
      case: `launch → running (median of ${RUNS})`,
      console: `${median(consoleMs).toFixed(0)} ms`,
      baseline: `docker run -d: ${median(rawMs).toFixed(0)} ms`,
      ratio: (median(consoleMs) / median(rawMs)).toFixed(2),
    });

    const owner = execFileSync(
      path.join(root, "node_modules/.bin/tsx"),
      ["--conditions=react-server", path.join(root, "scripts/bench/seed-instances.ts"), String(ROWS)],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: c.databaseUrl, LOG_LEVEL: "silent" },
        encoding: "utf8",
      },
    )
      .trim()
      .split("\n")
      .pop();
    for (const [label, query] of [
      ["GET /instances (admin, page 1 of all)", "page=1&pageSize=20"],
      ["GET /instances?userId= (page 250)", `userId=${owner}&page=250&pageSize=20`],
      ["GET /instances?name=bench-99 (search)", "name=bench-99&pageSize=20"],
    ]) {
      const url = `${c.url}/api/v1/instances?${query}`;
      await autocannon({ url, headers: h, duration: 2, connections: 4 });
      const r = await autocannon({ url, headers: h, duration: DURATION, connections: 10 });
      rows.push({
        db,
        case: `${label}, ${ROWS} rows`,
        console: `${Math.round(r.requests.average)} req/s`,
        baseline: `p50 ${r.latency.p50} ms · p99 ${r.latency.p99} ms`,
        ratio: r.non2xx ? `${r.non2xx} non-2xx` : "",
      });
    }
  } finally {
    await c.stop();
  }
  return rows;
}

printFacts(`Instances benchmark (image ${IMAGE} on the local dockerd)`);
const all = [];
for (const [db, port] of [
  ["sqlite", 3211],
  ["postgres", 3212],
])
  all.push(...(await bench(db, port)));
console.table(all);
