#!/usr/bin/env node
// The aiinfra CLI's start: `aiinfra --help` and `aiinfra version` (no sign-in, no console) as
// a user runs them (a new Node process each time; p50/p95 of 30), beside a bare `node -e 0`
// and the console's own start (process spawned until /api/health answers, SQLite, 3 times).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { printFacts } from "./machine.mjs";
import { startConsole } from "./servers.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = path.join(root, "packages/cli/dist/aiinfra.cjs");
const N = 30;

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

function timedRun(args) {
  const out = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, AIINFRA_CONFIG_DIR: "/nonexistent-aiinfra" } });
    out.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${args.join(" ")}: exit ${r.status}: ${r.stderr}`);
  }
  return out;
}

printFacts("CLI start (aiinfra --help, 150 ms goal) and the console's start for comparison");
const line = (what, xs) => console.log(`${what.padEnd(28)} p50 ${pct(xs, 50).toFixed(1)} ms   p95 ${pct(xs, 95).toFixed(1)} ms`);
line("node -e 0 (bare Node)", timedRun(["-e", "0"]));
line("aiinfra --help", timedRun([CLI, "--help"]));
line("aiinfra version (offline)", timedRun([CLI, "version"]));

const starts = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  const c = await startConsole("sqlite", 3890 + i, {}, { quiet: true });
  starts.push(performance.now() - t);
  await c.stop();
}
console.log(`${"console start (SQLite)".padEnd(28)} ${starts.map((x) => `${(x / 1000).toFixed(2)} s`).join(", ")}`);
