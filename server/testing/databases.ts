import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

// Fresh, throw-away databases for tests: a SQLite file in a temp folder, or a new database on
// the PostgreSQL server that scripts/test-env.sh starts.

export const TEST_PG_URL = process.env.TEST_PG_URL ?? "postgresql://console:console@127.0.0.1:5432/postgres";
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export type FreshDb = { url: string; dataDir: string; drop: () => Promise<void> };

function pgUrlFor(database: string): string {
  const u = new URL(TEST_PG_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Drops a test database; a leftover one is reported, never a failed suite. */
async function dropDatabase(name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      return;
    } catch (err) {
      if (attempt === 5) {
        console.warn(`could not drop test database ${name}: ${String(err)}`);
        return;
      }
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

export async function createPostgresDb(prefix = "t"): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    url: pgUrlFor(name),
    drop: () => dropDatabase(name),
  };
}

export async function freshDb(provider: "sqlite" | "postgres"): Promise<FreshDb> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "aic-test-"));
  if (provider === "sqlite") return { url: `file:${path.join(dataDir, "console.db")}`, dataDir, drop: async () => undefined };
  const { url, drop } = await createPostgresDb();
  return { url, dataDir, drop };
}
