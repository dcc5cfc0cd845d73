import { randomBytes } from "node:crypto";
import { defineConfig, type Project } from "@playwright/test";
import { SLOWDOWN } from "./e2e/slowdown";

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

// On PostgreSQL the API suite runs where the database decides the outcome: accounts, sign-in
// throttles, money and its recovery, the audit trail, placement, jobs and their queue, recovery
// after a crash, webhooks' durable queue, notifications, metrics history, conventions (search,
// paging), hostile strings (PostgreSQL refuses what SQLite stores) and the process's health. The
// clients (CLI, SDK), the protocols (terminal, SSH, the app proxy, socket.io), Slurm and GPU
// placement reach the database through the same services, which the integration suites run on
// PostgreSQL: those specs run on SQLite only.
const POSTGRES_API =
  /\/(admin-recovery|audit|auth|billing|billing-recovery|brute-force|catalog|conventions|hardening|instance-recovery|instances|job-recovery|jobs|metrics|nodes|notifications|process|ssh-keys|system-logs|token-revocation|users|webhooks)\.spec\.ts$/;
// The browser suite is the costliest part by far (15-20 s a test on 2 cores), and the pages reach
// the database only through the API: on PostgreSQL the browser walks sign-in, billing and the
// audit page (search and filters); the whole browser suite runs on SQLite.
const POSTGRES_UI = /\/(auth|billing|audit)\.spec\.ts$/;

type Db = keyof typeof PORTS;
const site = (db: Db) => ({ baseURL: `http://127.0.0.1:${PORTS[db]}` });
const browser = (db: Db) => ({ ...site(db), ...chromium, viewport: { width: 1280, height: 800 } });
const api = (db: Db, only?: RegExp): Project => ({
  name: `api-${db}`,
  testDir: "e2e/api",
  testIgnore: /\.serial\.spec\.ts$/,
  ...(only ? { testMatch: only } : {}),
  use: site(db),
  metadata: { db },
});
const ui = (db: Db, only?: RegExp): Project => ({
  name: `ui-${db}`,
  testDir: "e2e/ui",
  testIgnore: /\.serial\.spec\.ts$/,
  ...(only ? { testMatch: only } : {}),
  // One browser test at a time per database: two browsers beside two consoles overload 2 cores
  // (a test then waits a minute for pages); the other worker runs the API tests meanwhile.
  workers: 1,
  use: browser(db),
  metadata: { db },
});
const serial = (db: Db): Project => ({
  name: `serial-${db}`,
  testDir: "e2e",
  testMatch: /\.serial\.spec\.ts$/,
  dependencies: [`api-${db}`, `ui-${db}`],
  workers: 1,
  use: browser(db),
  metadata: { db },
});

// Playwright hands tests out in this order: the browser suite on SQLite, the longest chain (one
// test at a time), starts at once, and the rest runs beside it on the other worker.
const projects: Project[] = [ui("sqlite"), api("sqlite"), api("postgres", POSTGRES_API), ui("postgres", POSTGRES_UI), serial("sqlite"), serial("postgres")];

export default defineConfig({
  timeout: 60_000 * SLOWDOWN,
  expect: { timeout: 10_000 * SLOWDOWN },
  fullyParallel: true,
  workers: process.env.CI ? 2 : 3,
  retries: 0,
  forbidOnly: !!process.env.CI,
  // reports/e2e.json: each test's time, summed up at the end of `npm test` (scripts/test-summary.mjs).
  reporter: [["list"], ...(process.env.CI ? [["html", { open: "never" }] as const] : []), ["json", { outputFile: "reports/e2e.json" }]],
  use: {
    // A failed test keeps its trace: actions, network, console and DOM snapshots, not a screencast
    // (its frames cost about a fifth of a browser test's CPU, measured: 98 s against 77 s for the
    // same four specs); the screenshot at the failure shows the page.
    trace: { mode: "retain-on-failure", screenshots: false, snapshots: true, sources: true },
    screenshot: "only-on-failure",
    locale: "en-US",
    // The console honours it (app/globals.css), so no endless pulse or shimmer keeps the browser
    // compositing while a test waits; nothing a test checks moves.
    reducedMotion: "reduce",
  },
  projects,
  webServer: (["sqlite", "postgres"] as const).map((db) => ({
    command: `node scripts/e2e-server.mjs ${db} ${PORTS[db]}`,
    url: `http://127.0.0.1:${PORTS[db]}/api/health`,
    timeout: 60_000 * SLOWDOWN,
    reuseExistingServer: false,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
    env: { ADMIN_PASSWORD: process.env.E2E_ADMIN_PASSWORD! },
  })),
});
