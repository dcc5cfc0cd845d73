// Two copies of SQLite in one process (e.g. the Prisma adapter's nested better-sqlite3 and
// ours) break SQLite's POSIX file locks: closing a connection of one copy drops the other's
// locks, and committed writes were seen to vanish. There must be exactly one copy.
import { createRequire } from "node:module";
import { expect, it } from "vitest";

it("the Prisma adapter and the migration runner load the same better-sqlite3", () => {
  const ours = createRequire(`${process.cwd()}/package.json`).resolve("better-sqlite3");
  const adapterDir = createRequire(`${process.cwd()}/package.json`).resolve("@prisma/adapter-better-sqlite3");
  const theirs = createRequire(adapterDir).resolve("better-sqlite3");
  expect(theirs).toBe(ours);
});
