// Prisma CLI config for the PostgreSQL schema. `migrate diff` connects to a server even for
// datamodel-to-datamodel diffs: PRISMA_PG_URL (or the test environment's default) names one.
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

export default defineConfig({
  schema: "postgres/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  adapter: async () =>
    new PrismaPg({
      connectionString: process.env.PRISMA_PG_URL ?? "postgresql://console:console@127.0.0.1:5432/postgres",
    }),
});
