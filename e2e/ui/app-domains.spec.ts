// Apps on their own domains (APPS_DOMAIN): a console of its own with PUBLIC_URL and
// APPS_DOMAIN=apps.localhost (Chromium resolves every *.localhost name to this machine). The
// console's link sends the browser to http://<instance>-8000.apps.localhost:<app port>/, where
// the app is served at / (no prefix) with a cookie for that host only; JupyterLab, which knows
// its prefix, still opens in path mode for its owner; an administrator opens the user's apps on
// their domains only. The proxy's logic does not depend on the database:
// SQLite's project only.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bearer, expect, fundUser, login, test, uniq } from "../fixtures";
import { launchRunning, launchSetup, WEB_IMAGE } from "../node-fixtures";
import { freePort, start } from "../process";

test("an app opens on its own domain at /, JupyterLab under its prefix", async ({ page, playwright, shot }, testInfo) => {
  test.skip(testInfo.project.metadata.db !== "sqlite", "database-independent: runs once");
  test.setTimeout(180_000);
  const [port, appsPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const c = await start({
    PORT: String(port),
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "aic-app-domains-")),
    ADMIN_PASSWORD: "domains-admin-pw",
    PUBLIC_URL: url,
    APPS_PORT: String(appsPort),
    APPS_DOMAIN: "apps.localhost",
  });
  const api = await playwright.request.newContext({ baseURL: url });
  try {
    const adminToken = await login(api, "admin", "domains-admin-pw");
    expect(((await (await api.get("/api/v1/auth/config")).json()) as { appsOnOwnDomains: boolean }).appsOnOwnDomains).toBe(true);
    const { node, spec } = await launchSetup(api, adminToken);
    const img = await api.post("/api/v1/images", {
      headers: bearer(adminToken),
      data: { name: `aic-web ${uniq(3)}`, address: WEB_IMAGE, apps: [{ port: 8000, name: "Web" }], notebook: true },
    });
    expect(img.status(), await img.text()).toBe(201);
    const username = `d${uniq()}`;
    const password = `pw-${uniq()}`;
    const made = await api.post("/api/v1/admin/users", {
      headers: bearer(adminToken),
      data: { username, email: `${username}@example.com`, password, role: "user" },
    });
    expect(made.status(), await made.text()).toBe(201);
    await fundUser(api, adminToken, ((await made.json()) as { id: string }).id);
    const token = await login(api, username, password);
    const instance = (await launchRunning(api, token, {
      name: "web",
      imageId: ((await img.json()) as { id: string }).id,
      specId: spec.id,
      nodeId: node.id,
    })) as { id: string };

    await page.goto(`${url}/login`, { waitUntil: "networkidle" });
    await page.getByLabel("Username or email").fill(username);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);

    // The app's own origin; served at / (the page shows the path it was loaded at); its websocket echoes.
    const appOrigin = `http://${instance.id}-8000.apps.localhost:${appsPort}`;
    await expect(async () => {
      await page.goto(`${url}/apps/${instance.id}/8000/`);
      await expect(page.getByRole("heading", { name: "aic-web" })).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    expect(page.url()).toBe(`${appOrigin}/`);
    await expect(page.locator("#path")).toHaveText("/");
    await expect(page.locator("#ws")).toHaveText(/^echo: ping \d+$/);
    await shot(page, "app-domain-1440");
    // The grant is that host's cookie alone; the console's session cookie does not go there.
    const appCookies = await page.context().cookies(appOrigin);
    expect(appCookies.map((k) => k.name)).toEqual(["aic.app"]);
    expect(appCookies[0]).toMatchObject({ domain: `${instance.id}-8000.apps.localhost`, path: "/", httpOnly: true, sameSite: "Lax" });
    await page.goto(`${appOrigin}/headers`);
    const seen = JSON.parse((await page.locator("body").textContent()) ?? "{}") as Record<string, string>;
    expect(seen.cookie).toBeUndefined();
    expect(seen.host).toBe(`${instance.id}-8000.apps.localhost:${appsPort}`);
    // Another instance's domain with this grant: not signed in there (sent back to the console, which says 404).
    await page.goto(`http://${instance.id.slice(0, -1)}x-8000.apps.localhost:${appsPort}/`);
    await expect(page.getByRole("heading", { name: "No such instance" })).toBeVisible();

    // JupyterLab (its stand-in) keeps its prefix: path mode on the app listener.
    await page.goto(`${url}/apps/${instance.id}/8888/lab`);
    expect(page.url()).toBe(`http://127.0.0.1:${appsPort}/apps/${instance.id}/8888/lab`);
    await expect(page.getByRole("heading", { name: "JupyterLab (aic-web)" })).toBeVisible();
    await expect(page.locator("#ws")).toHaveText(/^echo: ping \d+$/);

    // An administrator opens the user's apps on their own domains only, JupyterLab included
    // (under its prefix there): never on the shared app origin.
    await page.context().clearCookies();
    await page.goto(`${url}/login`, { waitUntil: "networkidle" });
    await page.getByLabel("Username or email").fill("admin");
    await page.getByLabel("Password", { exact: true }).fill("domains-admin-pw");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await page.goto(`${url}/apps/${instance.id}/8888/lab`);
    expect(page.url()).toBe(`http://${instance.id}-8888.apps.localhost:${appsPort}/apps/${instance.id}/8888/lab`);
    await expect(page.getByRole("heading", { name: "JupyterLab (aic-web)" })).toBeVisible();
    await expect(page.locator("#ws")).toHaveText(/^echo: ping \d+$/);
    await page.goto(`${url}/apps/${instance.id}/8000/headers`);
    expect(page.url()).toBe(`${appOrigin}/headers`);
  } finally {
    await api.dispose();
    await c.stop();
  }
});
