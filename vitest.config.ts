import path from "node:path";
import { defineConfig } from "vitest/config";

// Unit tests (*.test.ts: pure logic, fakes allowed), tests against real engines and sshd
// (*.real.test.ts) and integration tests (*.int.test.ts: real SQLite and real PostgreSQL,
// each file on a fresh database; see server/testing).
const alias = {
  "@": import.meta.dirname,
  // `server-only` guards React bundles; under Node it is a no-op.
  "server-only": path.join(import.meta.dirname, "server/testing/server-only.ts"),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["{lib,server,components,scripts,packages}/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/*.real.test.ts", "**/node_modules/**"],
        },
      },
      {
        // Adapters against real engines and sshd (no database): *.real.test.ts.
        resolve: { alias },
        test: { name: "real", include: ["server/**/*.real.test.ts"], testTimeout: 120_000 },
      },
      ...(["sqlite", "postgres"] as const).map((db) => ({
        resolve: { alias },
        test: {
          name: db,
          include: ["server/**/*.int.test.ts"],
          // Slurm runs are followed every second.
          env: { TEST_DB: db, SLURM_POLL_SEC: "1" },
          setupFiles: ["server/testing/fresh-database.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      })),
    ],
  },
});
