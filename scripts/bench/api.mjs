#!/usr/bin/env node
// API throughput and latency of the production build, on SQLite and on PostgreSQL:
//  - GET /api/health (no credential, one trivial query) against GET /api/v1/instances?pageSize=20
//    (an admin's first page with BENCH_LIST_ROWS instances in the database), 10 connections,
//    measured alternately in the same run, and their ratio;
//  - GET /api/v1/users/me (bearer token) and POST /api/v1/auth/login (argon2id verify).
// The consoles log at info (one line per request, to /dev/null) as in production.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { printFacts } from "./machine.mjs";
import { startConsole } from "./servers.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const LIST_ROWS = Number(process.env.BENCH_LIST_ROWS ?? 1000);
/** Health and list are measured in turns this many times each; the rates are the means. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DBS = (process.env.BENCH_DBS ?? "sqlite,postgres").split(",");

function run(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ duration: DURATION, ...opts }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

function row(db, name, r) {
  return {
    db,
    request: name,
    "req/s": Math.round(r.requests.average),
    "p50 ms": r.latency.p50,
    "p99 ms": r.latency.p99,
    connections: r.connections,
    "non-2xx": r.non2xx,
    errors: r.errors,
  };
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

// CPU time the console process spent, from /proc (Linux): per request it is a measure that
// other load on the machine disturbs far less than requests per second.
const TICK_MS = 1000 / 100; // USER_HZ
const consolePid = (wrapperPid) => Number(readFileSync(`/proc/${wrapperPid}/task/${wrapperPid}/children`, "utf8").trim().split(/\s+/)[0]);
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime + stime
}
async function measured(pid, opts) {
  const before = cpuMs(pid);
  const r = await run(opts);
  r.cpuMsPerRequest = (cpuMs(pid) - before) / r.requests.total;
  return r;
}
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

printFacts(`API benchmark (${DURATION} s per case, autocannon)`);
console.log(`load average before: ${load()}`);
const rows = [];
const ratios = [];
for (const [db, port] of [
  ["sqlite", 3201],
  ["postgres", 3202],
].filter(([name]) => DBS.includes(name))) {
  const c = await startConsole(db, port, { E2E_LOG_LEVEL: "info" }, { quiet: true });
  try {
    execFileSync(
      path.join(root, "node_modules/.bin/tsx"),
      ["--conditions=react-server", path.join(root, "scripts/bench/seed-instances.ts"), String(LIST_ROWS)],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: c.databaseUrl, LOG_LEVEL: "silent" },
        stdio: "ignore",
      },
    );
    const login = await fetch(`${c.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: c.adminPassword }),
    });
    const { token } = await login.json();
    const auth = { authorization: `Bearer ${token}` };
    const health = { url: `${c.url}/api/health`, connections: 10 };
    const list = { url: `${c.url}/api/v1/instances?pageSize=20`, connections: 10, headers: auth };
    const first = await (await fetch(list.url, { headers: auth })).json();
    if (first.items?.length !== 20) throw new Error(`the list should answer a full page: ${JSON.stringify(first).slice(0, 200)}`);
    // Warm up the route bundles before measuring.
    for (const target of [health, list]) await run({ ...target, duration: 3 });
    const healthRuns = [];
    const listRuns = [];
    const pid = consolePid(c.pid);
    for (let i = 0; i < ROUNDS; i++) {
      healthRuns.push(await measured(pid, health));
      listRuns.push(await measured(pid, list));
    }
    const healthRate = mean(healthRuns.map((r) => r.requests.average));
    const listRate = mean(listRuns.map((r) => r.requests.average));
    const healthCpu = mean(healthRuns.map((r) => r.cpuMsPerRequest));
    const listCpu = mean(listRuns.map((r) => r.cpuMsPerRequest));
    rows.push(row(db, "GET /api/health", healthRuns.at(-1)), row(db, `GET /api/v1/instances?pageSize=20 (${LIST_ROWS} rows)`, listRuns.at(-1)));
    ratios.push({
      db,
      "health req/s": Math.round(healthRate),
      "list req/s": Math.round(listRate),
      "list / health": (listRate / healthRate).toFixed(2),
      "CPU ms/request (health, list)": `${healthCpu.toFixed(2)}, ${listCpu.toFixed(2)}`,
      "by CPU": (healthCpu / listCpu).toFixed(2),
      "health runs": healthRuns.map((r) => Math.round(r.requests.average)).join(" "),
      "list runs": listRuns.map((r) => Math.round(r.requests.average)).join(" "),
    });
    if (process.env.BENCH_RATIO_ONLY) continue;
    rows.push(row(db, "GET /api/v1/users/me", await run({ url: `${c.url}/api/v1/users/me`, connections: 20, headers: auth })));
    rows.push(
      row(
        db,
        "POST /api/v1/auth/login",
        await run({
          url: `${c.url}/api/v1/auth/login`,
          method: "POST",
          connections: 4,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: "admin", password: c.adminPassword }),
        }),
      ),
    );
  } finally {
    await c.stop();
  }
}
console.table(rows);
console.log(`\nHealth against the instance list, in turns (${ROUNDS} × ${DURATION} s each, 10 connections).`);
console.log('"by CPU": the same ratio from the console\'s CPU time per request, which other load on the machine disturbs less.');
console.table(ratios);
console.log(`load average after: ${load()}`);
