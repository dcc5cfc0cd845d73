// One model, two providers: the generated provider schemas are current, the committed
// migrations of each provider build exactly what its schema describes, and the SQLite and
// PostgreSQL databases they build have the same tables, columns, keys and indexes.
// Needs both databases, so it runs in the "postgres" project only.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createPostgresDb, freshDb } from "../testing/databases";
import { introspectPostgres, introspectSqlite } from "../testing/introspect";
import { applyPostgres, applySqlite } from "./migrate";

const root = process.cwd();
const prisma = path.join(root, "node_modules/.bin/prisma");

function models(file: string): string {
  const text = readFileSync(path.join(root, file), "utf8");
  return text.slice(text.indexOf("model "));
}

function fromEmptySql(provider: "sqlite" | "postgres"): string {
  return execFileSync(
    prisma,
    ["migrate", "diff", "--config", `prisma/${provider}.config.ts`, "--from-empty", "--to-schema-datamodel", `prisma/${provider}/schema.prisma`, "--script"],
    { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
}

describe.runIf(process.env.TEST_DB === "postgres")("schema parity", () => {
  it("provider schemas are generated from prisma/models.prisma", () => {
    expect(() => execFileSync("node", ["scripts/db-schemas.mjs", "--check"], { cwd: root, stdio: "pipe" })).not.toThrow();
  });

  it("every model change has a migration (migrated.prisma matches the schema)", () => {
    for (const p of ["sqlite", "postgres"]) expect(models(`prisma/${p}/migrated.prisma`)).toBe(models(`prisma/${p}/schema.prisma`));
  });

  it("migrations build what the schema describes, and both providers agree", async () => {
    const sqliteMigrated = await freshDb("sqlite");
    const sqliteFromSchema = await freshDb("sqlite");
    const pgMigrated = await createPostgresDb("parity");
    const pgFromSchema = await createPostgresDb("parity");
    try {
      await applySqlite(sqliteMigrated.url);
      await applyPostgres(pgMigrated.url);
      await applySqlite(sqliteFromSchema.url, [{ name: "schema", sql: fromEmptySql("sqlite"), checksum: "-" }]);
      await applyPostgres(pgFromSchema.url, [{ name: "schema", sql: fromEmptySql("postgres"), checksum: "-" }]);

      const sqlite = introspectSqlite(sqliteMigrated.url.replace(/^file:/, ""));
      const postgres = await introspectPostgres(pgMigrated.url);
      expect(Object.keys(sqlite).length).toBeGreaterThan(0);
      expect(sqlite).toEqual(introspectSqlite(sqliteFromSchema.url.replace(/^file:/, "")));
      expect(postgres).toEqual(await introspectPostgres(pgFromSchema.url));
      expect(postgres).toEqual(sqlite);
    } finally {
      await pgMigrated.drop();
      await pgFromSchema.drop();
    }
  }, 120_000);
});
