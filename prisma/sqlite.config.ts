// Prisma CLI config for the SQLite schema: the JS schema engine through a driver adapter
// works offline (the native engine would be downloaded). See ENVIRONMENT.md.
import os from "node:os";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

export default defineConfig({
  schema: "sqlite/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new PrismaBetterSQLite3({ url: `file:${path.join(os.tmpdir(), `prisma-cli-${process.pid}.db`)}` }),
});
