import path from "node:path";
import { defineConfig } from "vitest/config";

// Unit tests (*.test.ts: pure logic, fakes allowed) and integration tests (*.int.test.ts:
// real SQLite and real PostgreSQL, each file on a fresh database; see server/testing).
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
        test: { name: "unit", include: ["{lib,server,components,scripts}/**/*.test.ts"], exclude: ["**/*.int.test.ts", "**/node_modules/**"] },
      },
      ...(["sqlite", "postgres"] as const).map((db) => ({
        resolve: { alias },
        test: {
          name: db,
          include: ["server/**/*.int.test.ts"],
          env: { TEST_DB: db },
          setupFiles: ["server/testing/fresh-database.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      })),
    ],
  },
});
