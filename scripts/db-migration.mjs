#!/usr/bin/env node
// Writes a new migration for every provider: the SQL that takes the schema recorded in
// prisma/<provider>/migrated.prisma (what the existing migrations produce) to the current
// prisma/<provider>/schema.prisma. Usage: npm run db:migration -- <name>
// PostgreSQL's diff needs a reachable server (PRISMA_PG_URL; `scripts/test-env.sh` starts one).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, copyFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { PROVIDERS } from "./db-schemas.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name in snake_case>");
  process.exit(1);
}
execFileSync("node", [path.join(root, "scripts/db-schemas.mjs")], { stdio: "inherit" });

for (const provider of Object.keys(PROVIDERS)) {
  const dir = path.join(root, "prisma", provider);
  const migrated = path.join(dir, "migrated.prisma");
  const from = existsSync(migrated) ? ["--from-schema-datamodel", migrated] : ["--from-empty"];
  const sql = execFileSync(
    path.join(root, "node_modules/.bin/prisma"),
    ["migrate", "diff", "--config", `prisma/${provider}.config.ts`, ...from, "--to-schema-datamodel", path.join(dir, "schema.prisma"), "--script"],
    { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  if (!/\b(CREATE|ALTER|DROP)\b/.test(sql)) {
    console.log(`${provider}: no changes`);
    continue;
  }
  const migrationsDir = path.join(dir, "migrations");
  mkdirSync(migrationsDir, { recursive: true });
  const seq = String(readdirSync(migrationsDir).length + 1).padStart(4, "0");
  const folder = path.join(migrationsDir, `${seq}_${name}`);
  mkdirSync(folder);
  writeFileSync(path.join(folder, "migration.sql"), sql);
  copyFileSync(path.join(dir, "schema.prisma"), migrated);
  console.log(`${provider}: wrote ${path.relative(root, folder)}/migration.sql`);
}
