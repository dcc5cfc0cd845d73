// The settings page on the shared console: an administrator changes a retention (audited,
// effective at once through the API), a bad allowlist line is named before anything is sent,
// a value out of range is refused under its field; users do not get the page. Settings that
// other tests depend on (maintenance, limits, the metrics token) are tested on a console of
// their own (maintenance.spec.ts, api/prometheus.spec.ts).
import { bearer, expect, test } from "../fixtures";
import { signIn, switchUser } from "./helpers";

test("an administrator changes settings on the settings page; bad values are named; users get no page", async ({ page, api, adminToken, newUser, shot }) => {
  const a = { headers: bearer(adminToken) };
  const before = await (await api.get("/api/v1/admin/settings", a)).json();
  const admin = await newUser("admin");
  await signIn(page, admin.username, admin.password);
  await page.goto("/admin/settings");
  await expect(page.getByTestId("settings-page")).toBeVisible();
  await shot(page, "settings-page");

  const logs = page.getByTestId("settings-audit");
  const retention = page.getByTestId("settings-system-log-retention");
  const next = before.systemLogRetentionDays === 45 ? 46 : 45;
  try {
    await retention.fill(String(next));
    await page.getByTestId("settings-save-audit").click();
    await expect.poll(async () => (await (await api.get("/api/v1/admin/settings", a)).json()).systemLogRetentionDays).toBe(next);
    const event = (await (await api.get(`/api/v1/admin/audit-events?actor=${admin.username}&action=settings.update`, a)).json()).items[0];
    expect(event.detail).toMatchObject({ systemLogRetentionDays: next, previous: { systemLogRetentionDays: before.systemLogRetentionDays } });

    // Audit retention below 30 days is refused where it is typed.
    await page.getByTestId("settings-audit-retention").fill("5");
    await page.getByTestId("settings-save-audit").click();
    await expect(logs).toContainText(/30/);
    expect((await (await api.get("/api/v1/admin/settings", a)).json()).auditRetentionDays).toBe(before.auditRetentionDays);
  } finally {
    await api.patch("/api/v1/admin/settings", { ...a, data: { systemLogRetentionDays: before.systemLogRetentionDays } });
  }

  // A line that is no address range is named, and nothing is saved.
  const metrics = page.getByTestId("settings-metrics");
  await page.getByTestId("settings-metrics-allowlist").fill("127.0.0.1/32\n999.1.1.1/8");
  await page.getByTestId("settings-save-metrics").click();
  await expect(metrics).toContainText("999.1.1.1/8");
  expect((await (await api.get("/api/v1/admin/settings", a)).json()).metricsAllowlist).toEqual(before.metricsAllowlist);
  await shot(page, "settings-bad-cidr");

  const user = await newUser();
  await switchUser(page, user.username, user.password);
  await page.goto("/admin/settings");
  await expect(page.getByTestId("settings-page")).toHaveCount(0);
});
