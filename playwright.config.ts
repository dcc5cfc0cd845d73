import { randomBytes } from "node:crypto";
import { defineConfig, type Project } from "@playwright/test";

// End-to-end tests against the production build, once on SQLite and once on PostgreSQL.
// Projects: api (HTTP + socket.io), ui (Debian's Chromium), serial (tests that change
// console-wide settings; run after the others).

// Workers inherit the runner's environment, so the password is chosen once per run.
process.env.E2E_ADMIN_PASSWORD ??= `e2e-${randomBytes(12).toString("hex")}`;

// E2E_PORT_BASE moves both consoles (base, base + 1), so two checkouts can run their suites side by side.
const base = Number(process.env.E2E_PORT_BASE ?? 3101);
const PORTS = { sqlite: base, postgres: base + 1 } as const;
const chromium = {
  browserName: "chromium" as const,
  launchOptions: {
    // Debian's headless shell (scripts/test-env.sh): the full browser's headless mode costs about
    // twice the CPU per page, which a 2-core machine running both consoles cannot spare.
    // CHROMIUM_PATH=/usr/bin/chromium for --headed runs.
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium-headless-shell",
    // --disable-webgl: xterm falls back to its DOM renderer, whose text the tests can read
    // (with WebGL the terminal is pixels only).
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-webgl",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  },
};

const projects: Project[] = (["sqlite", "postgres"] as const).flatMap((db) => {
  const baseURL = `http://127.0.0.1:${PORTS[db]}`;
  const meta = { db };
  return [
    { name: `api-${db}`, testDir: "e2e/api", testIgnore: /\.serial\.spec\.ts$/, use: { baseURL }, metadata: meta },
    {
      name: `ui-${db}`,
      testDir: "e2e/ui",
      testIgnore: /\.serial\.spec\.ts$/,
      // The browser suite is the costliest part by far (15-20 s a test on 2 cores), and the
      // pages reach the database only through the API, which api-postgres and the integration
      // suites test on PostgreSQL in full: on PostgreSQL the browser walks sign-in, an instance's
      // life, billing and the audit page (search and filters) only.
      ...(db === "postgres" ? { testMatch: /\/(auth|instances|billing|audit)\.spec\.ts$/ } : {}),
      // One browser test at a time per database: two browsers beside two consoles overload 2 cores
      // (a test then waits a minute for pages); the other worker runs the API tests meanwhile.
      workers: 1,
      use: { baseURL, ...chromium, viewport: { width: 1280, height: 800 } },
      metadata: meta,
    },
    {
      name: `serial-${db}`,
      testDir: "e2e",
      testMatch: /\.serial\.spec\.ts$/,
      dependencies: [`api-${db}`, `ui-${db}`],
      workers: 1,
      use: { baseURL, ...chromium, viewport: { width: 1280, height: 800 } },
      metadata: meta,
    },
  ];
});

export default defineConfig({
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: process.env.CI ? 2 : 3,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : [["list"]],
  // reducedMotion: the console honours it (app/globals.css), so no endless pulse or shimmer keeps
  // the browser compositing while a test waits; nothing a test checks moves.
  use: { trace: "retain-on-failure", screenshot: "only-on-failure", locale: "en-US", reducedMotion: "reduce" },
  projects,
  webServer: (["sqlite", "postgres"] as const).map((db) => ({
    command: `node scripts/e2e-server.mjs ${db} ${PORTS[db]}`,
    url: `http://127.0.0.1:${PORTS[db]}/api/health`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
    env: { ADMIN_PASSWORD: process.env.E2E_ADMIN_PASSWORD! },
  })),
});
