import { afterAll } from "vitest";
import { freshDb } from "./databases";

// Vitest setup for *.int.test.ts: every test file runs against its own fresh, migrated
// database of the provider named by TEST_DB (the "sqlite" and "postgres" projects). Set up
// at the top level, before the test file's imports read the environment.

const provider = process.env.TEST_DB === "postgres" ? "postgres" : "sqlite";
const db = await freshDb(provider);
process.env.DATABASE_URL = db.url;
process.env.DATA_DIR = db.dataDir;
process.env.LOG_LEVEL ??= "silent";
process.env.ADMIN_PASSWORD ??= "test-admin-password";
const { migrate } = await import("../db/migrate");
await migrate();

afterAll(async () => {
  const { disconnectDb } = await import("../db/client");
  await disconnectDb();
  await db.drop();
});
