// Starts the built console on a fresh SQLite or PostgreSQL database for a benchmark, with
// rate limits raised so they do not cap the measurement.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** `quiet`: the console's log lines (stdout) go to /dev/null, e.g. when it logs every request. */
export async function startConsole(provider, port, extraEnv = {}, { quiet = false } = {}) {
  const adminPassword = `bench-${randomBytes(8).toString("hex")}`;
  const child = spawn(process.execPath, [path.join(root, "scripts/e2e-server.mjs"), provider, String(port)], {
    cwd: root,
    env: {
      ...process.env,
      ADMIN_PASSWORD: adminPassword,
      RATE_LIMIT_API_PER_MIN: "100000000",
      RATE_LIMIT_ADMIN_PER_MIN: "100000000",
      RATE_LIMIT_LOGIN_IP_PER_MIN: "100000000",
      LOGIN_LOCK_FAILURES: "1000000",
      E2E_LOG_LEVEL: "error",
      ...extraEnv,
    },
    stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null) throw new Error(`console (${provider}) exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  // Where scripts/e2e-server.mjs put the database, for seeding rows directly.
  const pgUrl = new URL(process.env.TEST_PG_URL ?? "postgresql://console:console@127.0.0.1:5432/postgres");
  pgUrl.pathname = `/console_e2e_${port}`;
  const databaseUrl = provider === "sqlite" ? `file:${path.join(os.tmpdir(), `aic-e2e-sqlite-${port}`, "console.db")}` : pgUrl.toString();
  return {
    url,
    adminPassword,
    databaseUrl,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", resolve);
        child.kill("SIGTERM");
      }),
  };
}

async function json(res) {
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

/**
 * Signs in as the built-in admin and gives it money to launch with (a ledger adjustment):
 * answers the headers and a JSON POST helper.
 */
export async function adminSession(c) {
  const { token, user } = await json(
    await fetch(`${c.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: c.adminPassword }),
    }),
  );
  const h = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const post = (url, body) => fetch(`${c.url}${url}`, { method: "POST", headers: h, body: JSON.stringify(body) }).then(json);
  await post(`/api/v1/admin/users/${user.id}/adjustments`, { amountCents: 10_000_000, reason: "Benchmark funds" });
  return { token, h, post };
}
