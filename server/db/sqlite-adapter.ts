import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, Transaction } from "@prisma/driver-adapter-utils";

// Prisma's better-sqlite3 adapter shares one connection between interactive transactions and
// every other query, and only transactions wait for each other. A query from another request
// issued while a transaction is open would run *inside* it, and be rolled back with it. This
// wrapper makes the connection exclusive: queries outside a transaction wait until it ends.

class Lock {
  private tail: Promise<void> = Promise.resolve();
  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => next);
    return ready;
  }
}

function exclusive(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const lock = new Lock();
  const run = async <T>(fn: () => Promise<T>): Promise<T> => {
    const release = await lock.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  };
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      switch (prop) {
        case "queryRaw":
        case "executeRaw":
        case "executeScript":
          return (arg: never) => run(() => (target[prop] as (a: never) => Promise<unknown>).call(target, arg));
        case "startTransaction":
          return async (isolationLevel?: never) => {
            const release = await lock.acquire();
            let tx: Transaction;
            try {
              tx = await target.startTransaction(isolationLevel);
            } catch (err) {
              release();
              throw err;
            }
            let released = false;
            const end = (fn: () => Promise<void>) => async () => {
              try {
                await fn();
              } finally {
                if (!released) {
                  released = true;
                  release();
                }
              }
            };
            return Object.assign(Object.create(tx) as Transaction, {
              commit: end(() => tx.commit()),
              rollback: end(() => tx.rollback()),
            });
          };
        default:
          return Reflect.get(target, prop, receiver);
      }
    },
  });
}

export function exclusiveSqliteAdapter(file: string): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 10_000 });
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => exclusive(await inner.connect()),
    connectToShadowDb: () => inner.connectToShadowDb(),
  };
}
