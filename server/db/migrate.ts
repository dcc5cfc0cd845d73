import "server-only";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { env } from "../env";
import { sqliteFile } from "./client";

// Applies the committed SQL migrations (prisma/<provider>/migrations/*/migration.sql) in
// order and records each with a checksum. Prisma's own `migrate deploy` cannot run here
// against PostgreSQL (see ENVIRONMENT.md), so the console owns this small runner. Each
// migration runs in its own transaction; concurrent starts wait on a lock.

const TABLE = "_console_migrations";

export type Migration = { name: string; sql: string; checksum: string };

export function migrationsDir(provider: "sqlite" | "postgres"): string {
  return path.join(process.cwd(), "prisma", provider, "migrations");
}

export function readMigrations(provider: "sqlite" | "postgres"): Migration[] {
  const dir = migrationsDir(provider);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** Which migrations still need to run; throws when the database and the files disagree. */
export function pending(all: Migration[], applied: Map<string, string>): Migration[] {
  const known = new Set(all.map((m) => m.name));
  for (const name of applied.keys()) {
    if (!known.has(name)) {
      throw new Error(`Database has migration ${name}, which this version of the console does not know (downgrade?)`);
    }
  }
  for (const m of all) {
    const sum = applied.get(m.name);
    if (sum && sum !== m.checksum) throw new Error(`Migration ${m.name} was changed after it was applied`);
  }
  return all.filter((m) => !applied.has(m.name));
}

/** Applies `migrations` (default: the committed ones) to a SQLite database. */
export async function applySqlite(url: string, migrations: Migration[] = readMigrations("sqlite")): Promise<string[]> {
  const file = sqliteFile(url);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const conn = new Database(file, { timeout: 10_000 });
  try {
    conn.pragma("journal_mode = WAL");
    conn.exec(`CREATE TABLE IF NOT EXISTS "${TABLE}" (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    // Table rebuilds drop and recreate tables: with foreign keys on, the drop would cascade
    // to child rows. SQLite ignores this pragma inside a transaction, so set it before.
    conn.pragma("foreign_keys = OFF");
    const applied: string[] = [];
    for (;;) {
      conn.exec("BEGIN IMMEDIATE");
      try {
        const rows = conn.prepare(`SELECT name, checksum FROM "${TABLE}"`).all() as { name: string; checksum: string }[];
        const next = pending(migrations, new Map(rows.map((r) => [r.name, r.checksum])))[0];
        if (!next) {
          conn.exec("COMMIT");
          break;
        }
        conn.exec(next.sql);
        const broken = conn.pragma("foreign_key_check") as unknown[];
        if (broken.length > 0) throw new Error(`Migration ${next.name} leaves ${broken.length} broken foreign keys`);
        conn.prepare(`INSERT INTO "${TABLE}" (name, checksum, applied_at) VALUES (?, ?, ?)`).run(next.name, next.checksum, new Date().toISOString());
        conn.exec("COMMIT");
        applied.push(next.name);
      } catch (err) {
        if (conn.inTransaction) conn.exec("ROLLBACK");
        throw err;
      }
    }
    conn.pragma("foreign_keys = ON");
    return applied;
  } finally {
    conn.close();
  }
}

/** Applies `migrations` (default: the committed ones) to a PostgreSQL database. */
export async function applyPostgres(url: string, migrations: Migration[] = readMigrations("postgres")): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const applied: string[] = [];
    for (;;) {
      await client.query("BEGIN");
      try {
        await client.query("SELECT pg_advisory_xact_lock(hashtext('ai-infra-console:migrate'))");
        await client.query(
          `CREATE TABLE IF NOT EXISTS "${TABLE}" (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
        );
        const { rows } = await client.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM "${TABLE}"`);
        const next = pending(migrations, new Map(rows.map((r) => [r.name, r.checksum])))[0];
        if (!next) {
          await client.query("COMMIT");
          break;
        }
        await client.query(next.sql);
        await client.query(`INSERT INTO "${TABLE}" (name, checksum) VALUES ($1, $2)`, [next.name, next.checksum]);
        await client.query("COMMIT");
        applied.push(next.name);
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      }
    }
    return applied;
  } finally {
    await client.end();
  }
}

/** Brings the configured database up to date; returns the names of the migrations applied. */
export async function migrate(): Promise<string[]> {
  const { databaseUrl, dbProvider } = env();
  return dbProvider === "postgres" ? applyPostgres(databaseUrl) : applySqlite(databaseUrl);
}
