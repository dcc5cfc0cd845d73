#!/usr/bin/env node
// Operations: (1) an administrator's audit page filtered by actor and action over 1,000,000
// audit events on PostgreSQL (p50/p99 of the API answer; the unfiltered first page too), and
// (2) GET /metrics with 100 nodes of 8 GPUs (fresh readings for each GPU) in the database,
// on SQLite and PostgreSQL. Rows are seeded straight into the console's database.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { printFacts } from "./machine.mjs";
import { adminSession, startConsole } from "./servers.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
const NODES = 100;
const GPUS = 8;

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x) => `${x.toFixed(1)} ms`;

async function timed(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

async function get(url, headers) {
  const res = await fetch(url, { headers });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.text();
}

printFacts(`Operations benchmark (audit page over ${EVENTS.toLocaleString("en")} events on PostgreSQL; /metrics with ${NODES} nodes × ${GPUS} GPUs)`);

// 1. The audit page on PostgreSQL.
{
  const c = await startConsole("postgres", 3241);
  try {
    const { h, post } = await adminSession(c);
    const target = await post("/api/v1/admin/users", { username: "bench-actor", email: "bench-actor@example.com", password: "bench-password-1", role: "user" });
    const client = new pg.Client({ connectionString: c.databaseUrl });
    await client.connect();
    const t0 = performance.now();
    // 1,000 actors (one of them a real account), 40 actions, a year of events.
    await client.query(
      `INSERT INTO "AuditEvent" (id, "createdAt", "actorType", "actorId", "actorName", action, "targetType", "targetId", "targetName", result, detail, ip, "requestId")
       SELECT 'bench' || g,
              now() - (g || ' seconds')::interval * 30,
              'user',
              CASE WHEN g % 1000 = 0 THEN $1 ELSE 'actor-' || (g % 1000) END,
              CASE WHEN g % 1000 = 0 THEN 'bench-actor' ELSE 'user' || (g % 1000) END,
              (ARRAY['instance','image','node','job','token'])[1 + g % 5] || '.' || (ARRAY['create','update','delete','start','stop','restart','pause','test'])[1 + (g / 5) % 8],
              'instance', 'i-' || g, 'name-' || g,
              CASE WHEN g % 50 = 0 THEN 'failure' ELSE 'success' END,
              '{"field":"value"}', '10.0.' || (g % 250) || '.1', 'req-' || g
       FROM generate_series(1, $2) AS g`,
      [target.id, EVENTS],
    );
    await client.query(`ANALYZE "AuditEvent"`);
    const seeded = (performance.now() - t0) / 1000;
    await client.end();
    const base = `${c.url}/api/v1/admin/audit-events`;
    const filtered = `${base}?actor=bench-actor&action=instance.create`;
    const first = JSON.parse(await get(filtered, h));
    const page = await timed(100, () => get(filtered, h));
    const later = await timed(50, (i) => get(`${filtered}&page=${1 + (i % 5)}`, h));
    const kind = await timed(50, () => get(`${base}?actor=bench-actor&action=instance.*`, h));
    const unfiltered = await timed(30, () => get(base, h));
    console.table([
      { query: "actor + action (first page)", matches: first.total, p50: ms(pct(page, 50)), p99: ms(pct(page, 99)) },
      { query: "actor + action (pages 1-5)", matches: first.total, p50: ms(pct(later, 50)), p99: ms(pct(later, 99)) },
      { query: "actor + action kind (instance.*)", matches: "", p50: ms(pct(kind, 50)), p99: ms(pct(kind, 99)) },
      { query: "no filter (first page, total counted)", matches: EVENTS, p50: ms(pct(unfiltered, 50)), p99: ms(pct(unfiltered, 99)) },
    ]);
    console.log(`(${EVENTS.toLocaleString("en")} events seeded in ${seeded.toFixed(1)} s)`);
  } finally {
    await c.stop();
  }
}

// 2. /metrics with 100 nodes × 8 GPUs.
const rows = [];
for (const [db, port] of [
  ["sqlite", 3243],
  ["postgres", 3244],
]) {
  const c = await startConsole(db, port, { GPU_POLL_SEC: "3600", NODE_HEALTH_INTERVAL_SEC: "3600" });
  try {
    const { post } = await adminSession(c);
    for (let i = 0; i < NODES; i++) {
      await post("/api/v1/nodes", {
        name: `bench-gpu-${String(i).padStart(3, "0")}`,
        dockerAddress: `unix:///run/aic-bench/node-${i}.sock`,
        cpuCores: 64,
        memoryGb: 512,
        gpuName: "NVIDIA H100 80GB HBM3",
        gpuCount: GPUS,
        gpuMemoryGb: 80,
      });
    }
    execFileSync(path.join(root, "node_modules/.bin/tsx"), ["--conditions=react-server", path.join(root, "scripts/bench/seed-gpus.ts")], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: c.databaseUrl, LOG_LEVEL: "silent" },
      encoding: "utf8",
    });
    const body = await get(`${c.url}/metrics`, {});
    const gpuSeries = body.split("\n").filter((l) => l.startsWith("DCGM_FI_DEV_GPU_UTIL{")).length;
    const times = await timed(100, () => get(`${c.url}/metrics`, {}));
    rows.push({
      db,
      nodes: NODES,
      "GPU series (util)": gpuSeries,
      "series in all": body.split("\n").filter((l) => l && !l.startsWith("#")).length,
      "body KiB": Math.round(body.length / 1024),
      p50: ms(pct(times, 50)),
      p95: ms(pct(times, 95)),
      p99: ms(pct(times, 99)),
    });
  } finally {
    await c.stop();
  }
}
console.table(rows);
