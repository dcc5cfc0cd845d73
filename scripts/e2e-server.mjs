#!/usr/bin/env node
// Starts the built console for end-to-end tests on a fresh database:
//   node scripts/e2e-server.mjs <sqlite|postgres> <port>
// SQLite: a new DATA_DIR under test-results/. PostgreSQL: a new database on the server that
// scripts/test-env.sh runs. The process is the production build (dist/server.mjs);
// E2E_NODE_ARGS adds flags to its node command line (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [provider, port] = process.argv.slice(2);
if (!["sqlite", "postgres"].includes(provider) || !port) {
  console.error("usage: e2e-server.mjs <sqlite|postgres> <port>");
  process.exit(2);
}

const dataDir = path.join(os.tmpdir(), `aic-e2e-${provider}-${port}`);
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });

const env = {
  ...process.env,
  NODE_ENV: "production",
  PORT: port,
  HOST: "127.0.0.1",
  DATA_DIR: dataDir,
  TRUST_PROXY: "1", // tests give each case its own client address through X-Forwarded-For
  // Many tests act as the one built-in admin at once; the per-principal API limit itself is
  // tested on a console of its own (e2e/api/process.spec.ts).
  RATE_LIMIT_API_PER_MIN: process.env.RATE_LIMIT_API_PER_MIN ?? "100000",
  RATE_LIMIT_ADMIN_PER_MIN: process.env.RATE_LIMIT_ADMIN_PER_MIN ?? "100000",
  LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? "warn",
  // Live GPU telemetry and instance history within a test's patience.
  GPU_POLL_SEC: process.env.GPU_POLL_SEC ?? "3",
  INSTANCE_STATS_SEC: process.env.INSTANCE_STATS_SEC ?? "5",
  SLURM_POLL_SEC: process.env.SLURM_POLL_SEC ?? "2",
  // Each console's SSH jump host on its own port: the HTTP port + 20000.
  SSH_PORT: process.env.SSH_PORT ?? String(Number(port) + 20000),
  // And its app listener: the HTTP port + 21000.
  APPS_PORT: process.env.APPS_PORT ?? String(Number(port) + 21000),
  // A low-balance warning that a small balance triggers at once (e2e/ui/billing.spec.ts).
  BILLING_LOW_BALANCE_MINUTES: process.env.BILLING_LOW_BALANCE_MINUTES ?? "120",
};
delete env.DATABASE_URL;

if (provider === "postgres") {
  const admin = process.env.TEST_PG_URL ?? "postgresql://console:console@127.0.0.1:5432/postgres";
  const name = `console_e2e_${port}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await c.query(`CREATE DATABASE "${name}"`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  env.DATABASE_URL = u.toString();
}

const child = spawn(
  process.execPath,
  ["--enable-source-maps", ...(process.env.E2E_NODE_ARGS ? process.env.E2E_NODE_ARGS.split(" ") : []), path.join(root, "dist/server.mjs")],
  { cwd: root, env, stdio: "inherit" },
);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
