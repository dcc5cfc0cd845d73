import { randomBytes } from "node:crypto";
import path from "node:path";
import { test as base, expect, type APIRequestContext, type Page, type Response } from "@playwright/test";
import { SLOWDOWN } from "./slowdown";

// Fixtures shared by the api and ui projects. Every test gets its own client address (the
// servers trust one proxy hop, so X-Forwarded-For sets it), which keeps per-IP throttles of
// parallel tests apart, and creates its own users through the admin API.

export type TestUser = { id: string; username: string; email: string; password: string; token: string; role: "admin" | "user" };

export const ADMIN = { username: "admin", password: process.env.E2E_ADMIN_PASSWORD ?? "" };

/** What a test user starts with: ¥1,000. */
export const TEST_FUNDS_CENTS = 100_000;

export const uniq = (n = 5) => randomBytes(n).toString("hex");
const randomIp = () => `10.${[0, 0, 0].map(() => 1 + Math.floor(Math.random() * 253)).join(".")}`;

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function login(api: APIRequestContext, username: string, password: string): Promise<string> {
  const res = await api.post("/api/v1/auth/login", { data: { username, password } });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

/** Credits a user through an administrator's adjustment (a ledger entry). */
export async function fundUser(api: APIRequestContext, adminToken: string, userId: string, cents = TEST_FUNDS_CENTS): Promise<void> {
  const res = await api.post(`/api/v1/admin/users/${userId}/adjustments`, { headers: bearer(adminToken), data: { amountCents: cents, reason: "Test funds" } });
  expect(res.status(), await res.text()).toBe(201);
}

/** Signs in through next-auth (the browser's way), leaving the session cookie in `ctx`. */
export async function cookieSignIn(ctx: APIRequestContext, username: string, password: string): Promise<void> {
  const { csrfToken } = (await (await ctx.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await ctx.post("/api/auth/callback/credentials", {
    form: { csrfToken, username, password, json: "true" },
    maxRedirects: 0,
  });
  expect([200, 302]).toContain(res.status());
  const cookies = (await ctx.storageState()).cookies.map((c) => c.name);
  expect(cookies).toContain("aic.session");
}

type Fixtures = {
  clientIp: string;
  api: APIRequestContext;
  adminToken: string;
  /** A new user with TEST_FUNDS_CENTS on their balance (a ledger adjustment) unless told otherwise. */
  newUser: (role?: "admin" | "user", opts?: { balanceCents?: number }) => Promise<TestUser>;
  shot: (page: Page, name: string) => Promise<void>;
};

const hydrated = () => !("__next_f" in self) || document.documentElement.dataset.hydrated === "true";

/**
 * Until the page has hydrated, a click on a server-rendered button is lost: page loads wait
 * for it. Docker making or removing network interfaces on this machine (the tests' own
 * containers) makes Chromium abort requests in flight (net::ERR_NETWORK_CHANGED); a page
 * whose script was lost so never hydrates is loaded once more.
 */
async function untilHydrated(page: Page, res: Response | null, reload: () => Promise<Response | null>): Promise<Response | null> {
  if (!res?.ok() || !res.headers()["content-type"]?.startsWith("text/html")) return res;
  const wait = (timeout: number) =>
    page.waitForFunction(hydrated, undefined, { polling: 100, timeout }).then(
      () => true,
      () => false,
    );
  if (await wait(15_000)) return res;
  const again = await reload();
  // An aid, not a check: a page that never hydrates fails on what the test looks for next.
  await wait(20_000);
  return again;
}

/** A navigation Chromium aborted because Docker changed the network interfaces meanwhile is made again (up to 3 times). */
async function networkSteady(load: () => Promise<Response | null>): Promise<Response | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await load();
    } catch (err) {
      if (attempt >= 3 || !String(err).includes("ERR_NETWORK_CHANGED")) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * Makes the page's goto and reload wait until the page has hydrated, loading it again when Docker
 * changed the network meanwhile. The `page` fixture is such a page; a test that opens a context
 * of its own passes its pages through this.
 */
export function steadyPage(page: Page): Page {
  const goto = page.goto.bind(page);
  const reload = page.reload.bind(page);
  page.goto = async (url, opts) => untilHydrated(page, await networkSteady(() => goto(url, opts)), () => networkSteady(() => reload(opts)));
  page.reload = async (opts) => untilHydrated(page, await networkSteady(() => reload(opts)), () => networkSteady(() => reload(opts)));
  return page;
}

export const test = base.extend<Fixtures>({
  page: async ({ page }, use) => use(steadyPage(page)),
  clientIp: async ({}, use) => use(randomIp()),
  extraHTTPHeaders: async ({ clientIp }, use) => use({ "x-forwarded-for": clientIp }),
  api: async ({ playwright, baseURL, clientIp }, use) => {
    const ctx = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": clientIp } });
    await use(ctx);
    await ctx.dispose();
  },
  adminToken: async ({ api }, use) => use(await login(api, ADMIN.username, ADMIN.password)),
  newUser: async ({ api, adminToken }, use) => {
    await use(async (role = "user", opts = {}) => {
      const username = `${role[0]}${uniq()}`;
      const email = `${username}@example.com`;
      const password = `pw-${uniq()}`;
      const res = await api.post("/api/v1/admin/users", { headers: bearer(adminToken), data: { username, email, password, role } });
      expect(res.status(), await res.text()).toBe(201);
      const { id } = (await res.json()) as { id: string };
      const funds = opts.balanceCents ?? TEST_FUNDS_CENTS;
      if (funds) await fundUser(api, adminToken, id, funds);
      return { id, username, email, password, role, token: await login(api, username, password) };
    });
  },
  shot: async ({}, use, testInfo) => {
    // Screenshots are for people to look at: taken on a developer's run, or with E2E_SCREENSHOTS=1.
    // Under CI nobody looks, and a full-page capture is seconds of software rendering on 2 cores.
    const take = !process.env.CI || !!process.env.E2E_SCREENSHOTS;
    await use(async (page, name) => {
      if (take) await page.screenshot({ path: path.join("screenshots", testInfo.project.name, `${name}.png`), fullPage: true });
    });
  },
});

// A test's own timeout (test.setTimeout) scales like the default one (playwright.config.ts).
const setTestTimeout = test.setTimeout.bind(test);
test.setTimeout = (ms: number) => setTestTimeout(ms * SLOWDOWN);

export { expect };
