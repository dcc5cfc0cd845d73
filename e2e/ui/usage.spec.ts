// Usage made readable, against a console process of its own (1-second meter): two instances
// run and stop; GET /api/v1/billing/usage sums their ledger entries per instance and day (and
// per instance), each instance shows its cost so far and running time, and the billing page
// shows the grouped usage opening to the entries, all in Chinese (no English notes), at 1440
// and 390 px. Auth: users' bearer tokens and sessions; another user's usage is 403.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bearer, expect, fundUser, login, test, uniq } from "../fixtures";
import { launchRunning, launchSetup } from "../node-fixtures";
import { start, tempPostgresDb } from "../process";

const ADMIN_PASSWORD = "usage-admin-pw";
/** 10 cents a second. */
const PRICE = 36_000;

type Entry = { kind: string; amountCents: number; instanceId: string | null; periodStart: string | null; periodEnd: string | null };
type Row = { instanceId: string; instanceName: string; specName: string; day: string | null; usageCents: number; runningSeconds: number };

test("usage per instance and day adds up the ledger, in the instance's cost so far and on the billing page", async ({ page, playwright, shot }, testInfo) => {
  test.setTimeout(180_000);
  const pg = testInfo.project.metadata.db === "postgres" ? await tempPostgresDb("aic_usage") : null;
  const c = await start({
    ADMIN_PASSWORD,
    BILLING_INTERVAL_SEC: "1",
    RECONCILE_INTERVAL_SEC: "2",
    NODE_HEALTH_INTERVAL_SEC: "3600",
    GPU_POLL_SEC: "3600",
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "aic-usage-")),
    ...(pg ? { DATABASE_URL: pg.url } : {}),
  });
  const api = await playwright.request.newContext({ baseURL: c.url });
  try {
    const admin = await login(api, "admin", ADMIN_PASSWORD);
    const { node, image, spec } = await launchSetup(api, admin, { pricePerHourCents: PRICE });
    const username = `user${uniq(3)}`;
    const password = `pw-${uniq()}`;
    const created = await api.post("/api/v1/admin/users", {
      headers: bearer(admin),
      data: { username, email: `${username}@example.com`, password, role: "user" },
    });
    const { id: userId } = (await created.json()) as { id: string };
    await fundUser(api, admin, userId, 100_000);
    const token = await login(api, username, password);
    const h = { headers: bearer(token) };

    const names = [`trainer-${uniq(2)}`, `notebook-${uniq(2)}`];
    const ids: string[] = [];
    for (const name of names) ids.push(((await launchRunning(api, token, { name, imageId: image.id, specId: spec.id, nodeId: node.id })) as { id: string }).id);
    const entries = async (): Promise<Entry[]> => ((await (await api.get("/api/v1/billing/ledger?pageSize=100", h)).json()) as { items: Entry[] }).items;
    await expect
      .poll(async () => (await entries()).filter((e) => e.instanceId === ids[0] && e.kind === "usage").length, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(5);
    for (const id of ids) expect((await api.post(`/api/v1/instances/${id}/stop`, h)).status()).toBe(200);

    // The grouped usage is the sum of the entries: per instance (and day), cost and running time.
    const ledger = (await entries()).filter((e) => e.kind === "usage" || e.kind === "refund");
    const expected = (id: string) => {
      const mine = ledger.filter((e) => e.instanceId === id);
      const ms = mine.reduce(
        (s, e) => s + (e.periodStart && e.periodEnd ? (Date.parse(e.periodEnd) - Date.parse(e.periodStart)) * (e.kind === "refund" ? -1 : 1) : 0),
        0,
      );
      return { usageCents: -mine.reduce((s, e) => s + e.amountCents, 0), runningSeconds: Math.round(ms / 1000) };
    };
    const perInstance = (await (await api.get("/api/v1/billing/usage?groupBy=instance", h)).json()) as { items: Row[]; usageCents: number };
    for (const [i, id] of ids.entries()) {
      const row = perInstance.items.find((r) => r.instanceId === id)!;
      expect(row).toMatchObject({ instanceName: names[i], specName: spec.name, day: null, ...expected(id) });
      expect(row.usageCents).toBeGreaterThan(0);
      // The instance says the same.
      expect(await (await api.get(`/api/v1/instances/${id}`, h)).json()).toMatchObject({ costCents: row.usageCents, runningSeconds: row.runningSeconds });
    }
    const perDay = (await (await api.get("/api/v1/billing/usage?groupBy=day&utcOffset=480", h)).json()) as { items: Row[]; usageCents: number };
    expect(perDay.usageCents).toBe(perInstance.usageCents);
    for (const r of perDay.items) expect(r.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const listed = (await (await api.get("/api/v1/instances?status=stopped", h)).json()) as { items: { id: string; costCents: number }[] };
    expect(listed.items.find((i) => i.id === ids[0])!.costCents).toBe(expected(ids[0]!).usageCents);

    const bad = await api.get("/api/v1/billing/usage?groupBy=week&utcOffset=9999", h);
    expect(bad.status()).toBe(400);
    expect((await bad.json()).error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["groupBy", "utcOffset"]);
    // Another user's usage: administrators only.
    const adminId = ((await (await api.get("/api/v1/users/me", { headers: bearer(admin) })).json()) as { id: string }).id;
    expect((await api.get(`/api/v1/billing/usage?userId=${adminId}`, h)).status()).toBe(403);
    expect((await (await api.get(`/api/v1/billing/usage?groupBy=instance&userId=${userId}`, { headers: bearer(admin) })).json()).usageCents).toBe(
      perInstance.usageCents,
    );

    // In Chromium, in Chinese: the billing page opens on the usage, a row opens to its entries.
    await page.setViewportSize({ width: 1440, height: 900 });
    // A fresh console's first page is slow: typing before it hydrates would submit the bare form.
    await page.goto(`${c.url}/login`, { waitUntil: "networkidle" });
    await page.getByLabel("Username or email").fill(username);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/dashboard$/, { timeout: 30_000 });
    await page.context().addCookies([{ name: "locale", value: "zh-CN", url: c.url }]);
    await page.goto(`${c.url}/billing`);
    const usage = page.getByTestId("usage");
    const trainer = usage.getByRole("row", { name: new RegExp(names[0]!) });
    await expect(trainer).toHaveCount(1);
    const cost = `¥${(expected(ids[0]!).usageCents / 100).toFixed(2)}`;
    await expect(trainer).toContainText(cost);
    await expect(page.getByTestId("usage-total")).toContainText(`¥${(perInstance.usageCents / 100).toFixed(2)}`);
    await trainer.getByRole("button").first().click();
    const drill = page.getByTestId("usage-entries");
    await expect(drill.getByRole("row").filter({ hasText: "运行" }).first()).toBeVisible();
    await expect(drill).toContainText("-¥0.10");
    await expect(page.locator("body")).not.toContainText("cents/h");
    await shot(page, "billing-usage-1440-zh");
    await page.getByRole("tab", { name: "账单明细" }).click();
    await expect(page.getByTestId("ledger")).toContainText("运行");
    await expect(page.locator("body")).not.toContainText("cents/h");

    await page.goto(`${c.url}/instances`);
    await expect(page.getByRole("row", { name: new RegExp(names[0]!) }).getByTestId("instance-cost-line")).toContainText(`累计 ${cost}`);
    await page.goto(`${c.url}/instances/${ids[0]}`);
    await expect(page.getByTestId("instance-cost")).toHaveText(cost);
    // (Runs of a few seconds: under a minute, said in seconds.)
    expect(expected(ids[0]!).runningSeconds).toBeLessThan(60);
    await expect(page.getByTestId("instance-uptime")).toHaveText(`${expected(ids[0]!).runningSeconds} 秒`);
    await shot(page, "instance-cost-1440-zh");

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${c.url}/billing`);
    await expect(page.getByTestId("usage").getByRole("row", { name: new RegExp(names[0]!) })).toBeVisible();
    await shot(page, "billing-usage-390-zh");
  } finally {
    await api.dispose();
    await c.stop();
    await pg?.drop();
  }
});
