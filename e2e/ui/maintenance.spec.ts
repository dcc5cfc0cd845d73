// Maintenance mode and per-user limits, on a console of its own (they are console-wide): while
// maintenance is on, a user's launch, start and job submission are refused with the
// administrator's words (a banner on every page, the refusal in the reader's language) and
// nothing is made; an administrator still launches. The instance limit refuses one more.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bearer, expect, fundUser, login, steadyPage, test, uniq } from "../fixtures";
import { launchSetup, waitForStatus } from "../node-fixtures";
import { start } from "../process";
import { signIn } from "./helpers";

test("maintenance stops users' launches (banner, translated refusal), not administrators'; the instance limit holds", async ({
  browser,
  playwright,
}, testInfo) => {
  test.skip(testInfo.project.metadata.db !== "sqlite", "a console of its own; the rules do not depend on the database");
  test.setTimeout(180_000);
  const c = await start({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "aic-maint-")), ADMIN_PASSWORD: "maintenance-admin-pw" });
  const api = await playwright.request.newContext({ baseURL: c.url });
  try {
    const admin = await login(api, "admin", "maintenance-admin-pw");
    const a = { headers: bearer(admin) };
    const { node, image, spec } = await launchSetup(api, admin);
    const username = `m${uniq()}`;
    const made = await api.post("/api/v1/admin/users", {
      ...a,
      data: { username, email: `${username}@example.com`, password: "user-password-1", role: "user" },
    });
    expect(made.status()).toBe(201);
    const userId = (await made.json()).id as string;
    await fundUser(api, admin, userId);
    const user = await login(api, username, "user-password-1");
    const u = { headers: bearer(user) };
    const launch = { name: `m-${uniq(3)}`, imageId: image.id, specId: spec.id, nodeId: node.id };

    const message = "GPU drivers are being upgraded until 18:00";
    expect((await api.patch("/api/v1/admin/settings", { ...a, data: { maintenanceMode: true, maintenanceMessage: message } })).status()).toBe(200);
    expect((await (await api.get("/api/v1/auth/config")).json()).maintenance).toEqual({ enabled: true, message });

    const refused = await api.post("/api/v1/instances", { ...u, data: launch });
    expect(refused.status()).toBe(503);
    const body = (await refused.json()).error;
    expect(body.code).toBe("MAINTENANCE");
    expect(body.message).toContain(message);
    const job = await api.post("/api/v1/jobs", {
      ...u,
      data: { executor: "container", name: "j", imageId: image.id, specId: spec.id, container: { command: "true" } },
    });
    expect(job.status()).toBe(503);
    expect((await (await api.get("/api/v1/instances", u)).json()).total).toBe(0);
    expect((await (await api.get("/api/v1/jobs", u)).json()).total).toBe(0);

    // An administrator launches (to check the work), with a balance of their own.
    const me = await (await api.get("/api/v1/users/me", a)).json();
    await fundUser(api, admin, me.id);
    const adminLaunch = await api.post("/api/v1/instances", { ...a, data: { ...launch, name: `adm-${uniq(3)}` } });
    expect(adminLaunch.status(), await adminLaunch.text()).toBe(202);

    // The user's browser: the banner on every page, the refusal in Chinese.
    const ctx = await browser.newContext({ baseURL: c.url });
    const page = steadyPage(await ctx.newPage());
    await signIn(page, username, "user-password-1");
    await expect(page.getByTestId("maintenance-banner")).toContainText(message);
    await page.getByText("简体中文").click();
    await page.goto("/instances/new");
    await expect(page.getByTestId("maintenance-banner")).toContainText(message);
    await page.getByTestId(`image-choice-${image.name}`).click();
    await page.getByTestId(`spec-choice-${spec.name}`).click();
    await page.getByRole("radio", { name: new RegExp(node.name) }).check();
    await page.getByRole("button", { name: "创建实例" }).last().click();
    const error = page.getByTestId("launch-error");
    await expect(error).toContainText("维护");
    await expect(error).toContainText(message);
    await page.screenshot({ path: path.join("screenshots", testInfo.project.name, "maintenance-zh.png"), fullPage: true });
    await ctx.close();

    // Maintenance over; a limit of one instance: the second launch is refused, nothing made.
    expect((await api.patch("/api/v1/admin/settings", { ...a, data: { maintenanceMode: false, maxInstancesPerUser: 1 } })).status()).toBe(200);
    expect((await (await api.get("/api/v1/auth/config")).json()).maintenance.enabled).toBe(false);
    const first = await api.post("/api/v1/instances", { ...u, data: launch });
    expect(first.status(), await first.text()).toBe(202);
    await waitForStatus(api, user, (await first.json()).id, "running");
    const second = await api.post("/api/v1/instances", { ...u, data: { ...launch, name: `m-${uniq(3)}` } });
    expect(second.status()).toBe(409);
    expect((await second.json()).error).toMatchObject({ code: "LIMIT_REACHED", message: expect.stringContaining("at most 1") });
    expect((await (await api.get("/api/v1/instances", u)).json()).total).toBe(1);
    // A bad limit names its field and changes nothing.
    const bad = await api.patch("/api/v1/admin/settings", { ...a, data: { maxInstancesPerUser: 0, maintenanceMessage: "x".repeat(501) } });
    expect(bad.status()).toBe(400);
    expect((await bad.json()).error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["maintenanceMessage", "maxInstancesPerUser"]);
    expect((await (await api.get("/api/v1/admin/settings", a)).json()).maxInstancesPerUser).toBe(1);
  } finally {
    await api.dispose();
    await c.stop();
  }
});
