#!/usr/bin/env node
// API throughput and latency of the production build: GET /api/v1/users/me (bearer token)
// and POST /api/v1/auth/login (argon2id verify), on SQLite and on PostgreSQL.
import autocannon from "autocannon";
import { printFacts } from "./machine.mjs";
import { startConsole } from "./servers.mjs";

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);

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

printFacts(`API benchmark (${DURATION} s per case, autocannon)`);
const rows = [];
for (const [db, port] of [
  ["sqlite", 3201],
  ["postgres", 3202],
]) {
  const c = await startConsole(db, port);
  try {
    const login = await fetch(`${c.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: c.adminPassword }),
    });
    const { token } = await login.json();
    // Warm up the route bundles before measuring.
    await run({ url: `${c.url}/api/v1/users/me`, headers: { authorization: `Bearer ${token}` }, duration: 2, connections: 4 });
    rows.push(row(db, "GET /api/v1/users/me", await run({ url: `${c.url}/api/v1/users/me`, connections: 20, headers: { authorization: `Bearer ${token}` } })));
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
