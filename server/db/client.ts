import "server-only";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgres/client";
import { env } from "../env";
import { exclusiveSqliteAdapter } from "./sqlite-adapter";
import { processSingleton } from "../singleton";

// The Prisma client for the configured provider. Imported only by *.repo.ts files.
// Both generated clients come from prisma/models.prisma, so they share one API; the SQLite
// client's types stand for both.

export type Db = SqliteClient;
/** The client inside `db.$transaction(async (tx) => ...)`. */
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];
export type { Prisma } from "./generated/sqlite/client";

function sqliteFile(url: string): string {
  return url.replace(/^file:/, "");
}

/** The SQLite database's files (none on PostgreSQL): the database and its WAL, shared-memory and journal files. */
export function sqliteFiles(): string[] {
  const { databaseUrl, dbProvider } = env();
  if (dbProvider !== "sqlite") return [];
  const file = path.resolve(sqliteFile(databaseUrl));
  return [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];
}

function create(): Db {
  const { databaseUrl, dbProvider } = env();
  if (dbProvider === "postgres") {
    const adapter = new PrismaPg({ connectionString: databaseUrl, max: 10 });
    return new PostgresClient({ adapter }) as unknown as Db;
  }
  return new SqliteClient({ adapter: exclusiveSqliteAdapter(sqliteFile(databaseUrl)) });
}

// One client per process, shared by the Next.js bundle and the server bundle.
let client: Db | undefined;

export function db(): Db {
  client ??= processSingleton("db", create);
  return client;
}

export async function disconnectDb(): Promise<void> {
  const g = globalThis as unknown as Record<symbol, Db | undefined>;
  const key = Symbol.for("ai-infra-console.db");
  const current = g[key];
  g[key] = undefined;
  client = undefined;
  await current?.$disconnect();
}

export { sqliteFile };
