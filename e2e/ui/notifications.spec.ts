// A balance really running out, against a console process of its own (1-second meter, a
// 1-minute warning threshold): the meter's low-balance warning becomes a notification (API,
// live over the /notifications socket, the bell's count in Chromium), the user's instances
// stop at zero and the list and the instance page say why (en-US and zh-CN), and one user
// cannot read or mark another's notifications. Auth: users' bearer tokens and sessions.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { APIRequestContext, Page } from "@playwright/test";
import { bearer, expect, fundUser, login, test, uniq } from "../fixtures";
import { launchRunning, launchSetup, waitForStatus } from "../node-fixtures";
import { start, tempPostgresDb, type Running } from "../process";
import { connect, outcome } from "../socket";

const ADMIN_PASSWORD = "notify-admin-pw";
/** ¥10 a second: one 1-second interval is 1,000 cents, the 1-minute threshold 60,000. */
const PRICE = 3_600_000;

type Notice = { id: string; kind: string; link: string | null; params: Record<string, unknown>; readAt: string | null };
type Listed = { items: Notice[]; total: number; unreadCount: number };

async function ownConsole(db: unknown) {
  const pg = db === "postgres" ? await tempPostgresDb("aic_notify") : null;
  const env: Record<string, string> = {
    ADMIN_PASSWORD,
    BILLING_INTERVAL_SEC: "1",
    BILLING_LOW_BALANCE_MINUTES: "1",
    BILLING_MIN_BALANCE_MINUTES: "1",
    RECONCILE_INTERVAL_SEC: "2",
    NODE_HEALTH_INTERVAL_SEC: "3600",
    GPU_POLL_SEC: "3600",
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "aic-notify-")),
    ...(pg ? { DATABASE_URL: pg.url } : {}),
  };
  const c = await start(env);
  return { c, drop: async () => pg?.drop() };
}

/** A user with `cents` and an instance of the ¥3,600/h spec running. */
async function spender(api: APIRequestContext, admin: string, cents: number) {
  const username = `spender${uniq(3)}`;
  const password = `pw-${uniq()}`;
  const created = await api.post("/api/v1/admin/users", {
    headers: bearer(admin),
    data: { username, email: `${username}@example.com`, password, role: "user" },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  if (cents) await fundUser(api, admin, id, cents);
  const token = await login(api, username, password);
  return { id, username, password, token };
}

const list = async (api: APIRequestContext, token: string): Promise<Listed> => (await api.get("/api/v1/notifications", { headers: bearer(token) })).json();

async function signInAt(page: Page, c: Running, username: string, password: string) {
  // A fresh console's first page is slow: typing before it hydrates would submit the bare form.
  await page.goto(`${c.url}/login`, { waitUntil: "networkidle" });
  await page.getByLabel("Username or email").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // (Signing in hashes the password: slow on a busy machine.)
  await expect(page).toHaveURL(/\/dashboard$/, { timeout: 30_000 });
}

test("a balance running out: warned in the bell, stopped at zero with the reason shown, notifications private", async ({
  page,
  playwright,
  shot,
}, testInfo) => {
  test.setTimeout(180_000);
  const { c, drop } = await ownConsole(testInfo.project.metadata.db);
  const api = await playwright.request.newContext({ baseURL: c.url });
  try {
    const admin = await login(api, "admin", ADMIN_PASSWORD);
    const { node, image, spec } = await launchSetup(api, admin, { pricePerHourCents: PRICE });
    // Launching needs a minute's price (60,000); 70,000 falls below a minute's worth in about 10 s.
    const user = await spender(api, admin, 70_000);
    const other = await spender(api, admin, 0);

    const socket = connect(c.url, "/notifications", { token: user.token, ip: "127.0.0.1" });
    const pushed: Notice[] = [];
    socket.on("notification", (n: Notice) => pushed.push(n));
    expect(await outcome(socket)).toEqual({ connected: true });
    try {
      const name = `burner-${uniq(3)}`;
      const instance = (await launchRunning(api, user.token, { name, imageId: image.id, specId: spec.id, nodeId: node.id })) as { id: string };

      // The meter crosses the threshold once: one warning, stored and pushed.
      await expect.poll(async () => (await list(api, user.token)).items.map((n) => n.kind), { timeout: 30_000 }).toEqual(["balance_low"]);
      const low = (await list(api, user.token)).items[0]!;
      expect(low).toMatchObject({ link: "/billing", readAt: null, params: { burnCentsPerHour: PRICE } });
      expect(low.params.balanceCents as number).toBeLessThan(60_000);
      await expect.poll(() => pushed.map((n) => n.id)).toEqual([low.id]);
      // Further ticks below the threshold add nothing.
      await new Promise((r) => setTimeout(r, 2_500));
      expect((await list(api, user.token)).total).toBe(1);

      // Another user sees none of it and cannot mark it.
      expect(await list(api, other.token)).toMatchObject({ items: [], total: 0, unreadCount: 0 });
      const foreign = await api.post(`/api/v1/notifications/${low.id}/read`, { headers: bearer(other.token) });
      expect(foreign.status()).toBe(404);
      expect((await foreign.json()).error.code).toBe("NOT_FOUND");
      expect((await list(api, user.token)).unreadCount).toBe(1);

      // The bell shows it; the panel says it and leads to the billing page.
      await page.setViewportSize({ width: 1440, height: 900 });
      await signInAt(page, c, user.username, user.password);
      await expect(page.getByTestId("notification-count")).toContainText("1");
      await page.getByTestId("notification-bell").click();
      const panel = page.getByTestId("notification-panel");
      await expect(panel.getByTestId("notification")).toHaveCount(1);
      await expect(panel).toContainText("Your balance is running low");
      await expect(panel).toContainText("/h");
      await shot(page, "notifications-bell-1440");

      // Most of the rest goes: the meter takes it to zero and the instance stops.
      const { balanceCents } = (await (await api.get("/api/v1/billing/summary", { headers: bearer(user.token) })).json()) as { balanceCents: number };
      await api.post(`/api/v1/admin/users/${user.id}/adjustments`, {
        headers: bearer(admin),
        data: { amountCents: -(balanceCents - 1_500), reason: "run it out" },
      });
      await waitForStatus(api, user.token, instance.id, "stopped");
      const stopped = (await (await api.get(`/api/v1/instances/${instance.id}`, { headers: bearer(user.token) })).json()) as { statusMessage: string };
      expect(stopped.statusMessage).toMatch(/balance ran out/);

      // The list and the page say why, not just "Stopped".
      await page.goto(`${c.url}/instances`);
      const row = page.getByRole("row", { name: new RegExp(name) });
      await expect(row.getByTestId("instance-status")).toHaveText("Stopped");
      await expect(row.getByTestId("instance-status-reason")).toHaveText("Stopped because the balance ran out. Top up, then start it again; its data is kept.");
      await shot(page, "instances-stop-reason-1440");
      await row.getByRole("link", { name }).click();
      const alert = page.getByTestId("status-message");
      await expect(alert).toContainText("Stopped because the balance ran out");
      await expect(alert.getByRole("link", { name: "Top up" })).toHaveAttribute("href", "/billing");
      await shot(page, "instance-stop-reason-1440");

      // In Chinese, and on a phone.
      await page.getByText("简体中文").click();
      await expect(page.getByTestId("status-message")).toContainText("余额已用完，实例已停止。充值后可重新启动，数据会保留。");
      await page.setViewportSize({ width: 390, height: 844 });
      await shot(page, "instance-stop-reason-390-zh");
      await page.goto(`${c.url}/instances`);
      await expect(page.getByRole("row", { name: new RegExp(name) }).getByTestId("instance-status-reason")).toHaveText(
        "余额已用完，实例已停止。充值后可重新启动，数据会保留。",
      );
      await page.getByTestId("notification-bell").click();
      await expect(page.getByTestId("notification-panel")).toContainText("余额即将用完");
      // (The drawer slides in.)
      await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
      await shot(page, "notifications-bell-390-zh");

      // "Mark all read" clears the count; a notification still leads to its page.
      await page.getByRole("button", { name: "全部标为已读" }).click();
      await expect(page.getByTestId("notification-count")).not.toContainText(/\d/);
      expect(await list(api, user.token)).toMatchObject({
        unreadCount: 0,
        items: expect.arrayContaining([expect.objectContaining({ id: low.id, readAt: expect.any(String) })]),
      });
      await page.getByTestId("notification-panel").getByText("余额即将用完").click();
      await expect(page).toHaveURL(/\/billing$/);
    } finally {
      socket.disconnect();
    }
  } finally {
    await api.dispose();
    await c.stop();
    await drop();
  }
});

test("instances stopped at zero balance make one notification linking to them, counted on the bell", async ({ page, playwright }, testInfo) => {
  test.setTimeout(180_000);
  const { c, drop } = await ownConsole(testInfo.project.metadata.db);
  const api = await playwright.request.newContext({ baseURL: c.url });
  try {
    const admin = await login(api, "admin", ADMIN_PASSWORD);
    const { node, image, spec } = await launchSetup(api, admin, { pricePerHourCents: PRICE });
    const user = await spender(api, admin, 70_000);
    const name = `burner-${uniq(3)}`;
    const instance = (await launchRunning(api, user.token, { name, imageId: image.id, specId: spec.id, nodeId: node.id })) as { id: string };
    const { balanceCents } = (await (await api.get("/api/v1/billing/summary", { headers: bearer(user.token) })).json()) as { balanceCents: number };
    await api.post(`/api/v1/admin/users/${user.id}/adjustments`, {
      headers: bearer(admin),
      data: { amountCents: -(balanceCents - 1_500), reason: "run it out" },
    });
    await waitForStatus(api, user.token, instance.id, "stopped");

    await expect.poll(async () => (await list(api, user.token)).items.map((n) => n.kind), { timeout: 15_000 }).toContain("balance_stopped");
    const stopped = (await list(api, user.token)).items.find((n) => n.kind === "balance_stopped")!;
    expect(stopped).toMatchObject({ link: `/instances/${instance.id}`, params: { count: 1, names: [name], reason: "balance" } });

    await signInAt(page, c, user.username, user.password);
    await expect(page.getByTestId("notification-count")).toContainText(String((await list(api, user.token)).unreadCount));
    await page.getByTestId("notification-bell").click();
    await page.getByTestId("notification-panel").getByText(`“${name}” was stopped: the balance ran out`).click();
    await expect(page).toHaveURL(new RegExp(`/instances/${instance.id}$`));
  } finally {
    await api.dispose();
    await c.stop();
    await drop();
  }
});
