#!/usr/bin/env node
// Billing: one meter tick over 10,000 running instances (rows in the database, 100 users),
// each due one interval (a ledger entry and a balance update in its own transaction), on
// SQLite and PostgreSQL. The console's own meter is slowed down so only the measured tick runs.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { printFacts } from "./machine.mjs";
import { startConsole } from "./servers.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ROWS = Number(process.env.BENCH_METERED ?? 10_000);

printFacts(`Billing benchmark (one meter tick over ${ROWS} running instances)`);
const rows = [];
for (const [db, port] of [
  ["sqlite", 3231],
  ["postgres", 3232],
]) {
  const c = await startConsole(db, port, { BILLING_INTERVAL_SEC: "86400" });
  try {
    const out = execFileSync(
      path.join(root, "node_modules/.bin/tsx"),
      ["--conditions=react-server", path.join(root, "scripts/bench/meter-tick.ts"), String(ROWS)],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: c.databaseUrl, LOG_LEVEL: "silent", BILLING_INTERVAL_SEC: "60" },
        encoding: "utf8",
      },
    );
    const r = JSON.parse(out.trim().split("\n").pop());
    rows.push({
      db,
      instances: r.instances,
      "entries written": r.charged,
      tick: `${(r.ms / 1000).toFixed(2)} s`,
      "entries/s": r.perSecond,
      "balance == ledger": r.invariant,
    });
  } finally {
    await c.stop();
  }
}
console.table(rows);
