import "server-only";
import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { env } from "../env";
import { logger } from "../logger";
import { processSingleton } from "../singleton";
import { sqliteFile } from "./client";

// Hot reads past Prisma's query engine: plain SELECTs whose statements stay prepared, on a
// connection of their own (SQLite: read-only; PostgreSQL: a small pool). Prisma compiles and
// prepares every query anew, which cost the instance list more CPU than the database's own
// work. Imported only by *.repo.ts files. A separate connection sees exactly what has been
// committed, never a transaction still under way on Prisma's.

type SqliteReader = { db: Database.Database; statements: Map<string, Database.Statement> };

const readers = processSingleton("fast-reads", () => ({ sqlite: new Map<string, SqliteReader>(), postgres: new Map<string, pg.Pool>() }));

function sqliteRows<T>(sql: string, args: unknown[]): T[] {
  const file = sqliteFile(env().databaseUrl);
  let r = readers.sqlite.get(file);
  if (!r) {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma("busy_timeout = 5000");
    r = { db, statements: new Map() };
    readers.sqlite.set(file, r);
  }
  let statement = r.statements.get(sql);
  if (!statement) {
    statement = r.db.prepare(sql);
    // The callers' filters give a handful of statement texts; bound the cache all the same.
    if (r.statements.size >= 200) r.statements.clear();
    r.statements.set(sql, statement);
  }
  return statement.all(...args) as T[];
}

async function postgresRows<T>(sql: string, args: unknown[]): Promise<T[]> {
  const url = env().databaseUrl;
  let pool = readers.postgres.get(url);
  if (!pool) {
    pool = new pg.Pool({ connectionString: url, max: 4 });
    // An idle connection that the server closes (restart, dropped database) is replaced on the next query.
    pool.on("error", (err) => logger.warn({ err: err.message }, "fast-reads connection lost"));
    readers.postgres.set(url, pool);
  }
  // A named statement is prepared once per connection.
  const name = `fr_${createHash("sha1").update(sql).digest("hex").slice(0, 16)}`;
  const result = await pool.query({ name, text: sql, values: args });
  return result.rows as T[];
}

/**
 * Rows of a read-only statement, as objects: "?" placeholders on SQLite, "$1" on PostgreSQL
 * (which answers json columns parsed and bigint ones as strings).
 */
export async function fastRows<T>(sql: string, args: unknown[]): Promise<T[]> {
  return env().dbProvider === "postgres" ? postgresRows<T>(sql, args) : sqliteRows<T>(sql, args);
}
