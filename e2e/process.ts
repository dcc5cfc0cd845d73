import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import pg from "pg";
import { uniq } from "./fixtures";

// Starting extra console processes (the production build) for tests that need their own:
// first start, database outage, several processes, or settings other than the shared servers'.

export const PG_URL = process.env.TEST_PG_URL ?? "postgresql://console:console@127.0.0.1:5432/postgres";

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A new, empty PostgreSQL database; `drop` removes it even while a console still uses it. */
export async function tempPostgresDb(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${uniq()}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  let dropped = false;
  return {
    url: u.toString(),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

export type Running = { child: ChildProcess; output: () => string; url: string; stop: () => Promise<void> };

export async function start(env: Record<string, string>): Promise<Running> {
  // A test that must know the port first (PUBLIC_URL names it) passes PORT itself.
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const clean = { ...process.env };
  for (const k of ["ADMIN_PASSWORD", "DATABASE_URL", "DATA_DIR", "PORT"]) delete clean[k];
  const child = spawn(process.execPath, ["dist/server.mjs"], {
    // Without its SSH jump host and app listener unless a test asks (several consoles would share their ports).
    env: { ...clean, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info", SSH_PORT: "0", APPS_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`console exited: ${out}`);
    if (/console listening/.test(out)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    child,
    url,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
