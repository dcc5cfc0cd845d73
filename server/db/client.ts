import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgres/client";
import { env } from "../env";
import { logger } from "../logger";
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
    // Every change is an interactive transaction (with its audit event): enough connections
    // that requests do not queue behind the workers' transactions.
    const adapter = new PrismaPg({ connectionString: databaseUrl, max: env().DATABASE_POOL_SIZE });
    return new PostgresClient({ adapter }) as unknown as Db;
  }
  return new SqliteClient({ adapter: exclusiveSqliteAdapter(sqliteFile(databaseUrl)) });
}

// One client per process, shared by the Next.js bundle and the server bundle.
let client: Db | undefined;

function base(): Db {
  client ??= processSingleton("db", create);
  return client;
}

// The open transaction of the current async context: inside transaction(fn), every db() call
// (the repos' own included) runs in it, and a nested transaction() joins it as a savepoint
// (its failure undoes its own writes only, and leaves the outer transaction usable, which a
// failed statement does not on PostgreSQL). Work that outlives the transaction (a timer or a
// promise started inside it) gets the plain client.
type OpenTx = { tx: Tx; open: boolean; savepoints: number; afterCommit: (() => void)[] };
const current = processSingleton("db-transaction", () => new AsyncLocalStorage<OpenTx>());

export function db(): Db {
  const open = current.getStore();
  return open?.open ? (open.tx as Db) : base();
}

const TX_MAX_WAIT_MS = 10_000;

/** Runs `fn` in a transaction: a new one, or a savepoint of the current one. */
export async function transaction<T>(fn: (tx: Tx) => Promise<T>, options?: Parameters<Db["$transaction"]>[1]): Promise<T> {
  const open = current.getStore();
  if (open?.open) {
    const name = `aic_sp_${++open.savepoints}`;
    const queued = open.afterCommit.length;
    await open.tx.$executeRawUnsafe(`SAVEPOINT ${name}`);
    try {
      const out = await fn(open.tx);
      await open.tx.$executeRawUnsafe(`RELEASE SAVEPOINT ${name}`);
      return out;
    } catch (err) {
      await open.tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => undefined);
      // What the undone part announced is not announced.
      open.afterCommit.length = queued;
      throw err;
    }
  }
  const store: OpenTx = { tx: undefined as never, open: true, savepoints: 0, afterCommit: [] };
  const out = await base().$transaction(
    async (tx) => {
      store.tx = tx;
      try {
        return await current.run(store, () => fn(tx));
      } finally {
        store.open = false;
      }
    },
    // Waiting for a connection: Prisma's 2 s gives up (P2028) when workers' transactions
    // briefly hold the pool under load; a wait is better than a failed change.
    { maxWait: TX_MAX_WAIT_MS, ...options },
  );
  // Committed: a listener's failure is its own, never the change's.
  for (const f of store.afterCommit) {
    try {
      f();
    } catch (err) {
      logger.error({ err }, "a listener of a committed change failed");
    }
  }
  return out;
}

/** Runs `fn` once the current transaction commits (never, if it rolls back), or now outside one. */
export function afterCommit(fn: () => void): void {
  const open = current.getStore();
  if (open?.open) open.afterCommit.push(fn);
  else fn();
}

/** `fn` as a savepoint of the current transaction (its failure leaves the transaction usable), or as it is outside one. */
export function savepoint<T>(fn: () => Promise<T>): Promise<T> {
  return current.getStore()?.open ? transaction(fn) : fn();
}

/** Runs `fn` outside the current transaction (listeners of events emitted inside one). */
export function outsideTransaction<T>(fn: () => T): T {
  return current.exit(fn);
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
