// Web apps in the browser (user and admin sessions): an administrator declares an image's apps
// and its notebook in the images form (mistakes said under the fields before saving); a user
// opens a running instance's apps in new tabs, which land on the app's own origin with their
// websockets working, and any other port; while stopped the buttons are disabled and say why.
import type { Page } from "@playwright/test";
import { bearer, expect, test, uniq } from "../fixtures";
import { launchRunning, launchSetup, WEB_IMAGE } from "../node-fixtures";
import { signIn, switchUser } from "./helpers";

/** Clicks `open` and answers the tab it opened. */
async function tabOf(page: Page, open: () => Promise<void>): Promise<Page> {
  const [tab] = await Promise.all([page.context().waitForEvent("page"), open()]);
  return tab;
}

test("an admin declares an image's web apps and its notebook: mistakes under the fields, the table shows the apps", async ({
  page,
  api,
  adminToken,
  newUser,
  shot,
}) => {
  // Many steps in two dialogs, next to the parallel instance tests.
  test.setTimeout(90_000);
  const tag = uniq(3);
  const name = `Notebook ${tag}`;
  const admin = await newUser("admin");
  await signIn(page, admin.username, admin.password);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/admin/images");
  await page.getByRole("button", { name: "New image" }).click();
  const form = page.getByRole("dialog", { name: "New image" });
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("Image address").fill(WEB_IMAGE);
  await form.getByLabel("Notebook image (JupyterLab)").click();
  await expect(form).toContainText("The console starts JupyterLab on port 8888 with its base URL and token");

  const rows = form.getByTestId("image-app-row");
  // A message being replaced fades out for a moment beside the new one: the leaving one is not counted.
  const error = (n: number) => rows.nth(n).locator(".ant-form-item-explain-error:not(.ant-form-show-help-item-leave)");
  // 8888 on a notebook image is JupyterLab's.
  await form.getByRole("button", { name: "Add web app" }).click();
  await rows.nth(0).getByLabel("Port").fill("8888");
  await rows.nth(0).getByLabel("App name").fill("Web");
  await expect(error(0)).toHaveText("Port 8888 is JupyterLab's on a notebook image; use another port");
  await rows.nth(0).getByLabel("Port").fill("8000");
  await expect(error(0)).toHaveCount(0);
  // One port twice: the later row says so, and saving is refused before anything is sent.
  await form.getByRole("button", { name: "Add web app" }).click();
  await rows.nth(1).getByLabel("Port").fill("8000");
  await rows.nth(1).getByLabel("App name").fill("TensorBoard");
  await expect(error(1)).toHaveText("Port 8000 is listed twice");
  await expect(error(0)).toHaveCount(0);
  await rows.nth(1).getByLabel("Port").scrollIntoViewIfNeeded();
  await shot(page, "image-apps-form-1440");
  await form.getByRole("button", { name: "Create" }).click();
  await expect(form).toBeVisible();
  await expect(error(1)).toHaveText("Port 8000 is listed twice");
  // Out of range, then right.
  await rows.nth(1).getByLabel("Port").fill("70000");
  await expect(error(1)).toHaveText("Port must be at most 65,535");
  await rows.nth(1).getByLabel("Port").fill("6006");
  await expect(error(1)).toHaveCount(0);
  await form.getByRole("button", { name: "Create" }).click();
  await expect(form).toBeHidden();

  await page.getByPlaceholder("Search by name").fill(tag);
  await page.getByPlaceholder("Search by name").press("Enter");
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row.getByTestId("image-apps")).toHaveText(/JupyterLab :8888\s*Web :8000\s*TensorBoard :6006/);
  const saved = (await (await api.get(`/api/v1/images?name=${encodeURIComponent(name)}`, { headers: bearer(adminToken) })).json()).items[0];
  expect(saved.notebook).toBe(true);
  expect(saved.apps).toEqual([
    { port: 8000, name: "Web" },
    { port: 6006, name: "TensorBoard" },
  ]);
  await shot(page, "images-apps-table-1440");

  // Editing: the rows come back; one removed, a duplicate ended by removing its first row.
  await row.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: "Edit image" });
  await expect(edit.getByTestId("image-app-row")).toHaveCount(2);
  await expect(edit.getByTestId("image-app-row").nth(1).getByLabel("App name")).toHaveValue("TensorBoard");
  await edit.getByTestId("image-app-row").nth(1).getByLabel("Port").fill("8000");
  await expect(edit.getByTestId("image-app-row").nth(1).locator(".ant-form-item-explain-error:not(.ant-form-show-help-item-leave)")).toHaveText(
    "Port 8000 is listed twice",
  );
  await edit.getByTestId("image-app-row").nth(0).getByRole("button", { name: "Remove web app" }).click();
  await expect(edit.getByTestId("image-app-row")).toHaveCount(1);
  await expect(edit.locator(".ant-form-item-explain-error")).toHaveCount(0);
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toBeHidden();
  await expect(row.getByTestId("image-apps")).toHaveText(/^JupyterLab :8888\s*TensorBoard :8000$/);
});

test("a running instance's apps open in new tabs on the app's origin, websockets and all; stopped, the buttons say to start it", async ({
  page,
  api,
  adminToken,
  newUser,
  shot,
  baseURL,
}) => {
  test.setTimeout(150_000);
  const u = await newUser();
  const h = { headers: bearer(u.token) };
  const { node, spec } = await launchSetup(api, adminToken);
  const res = await api.post("/api/v1/images", {
    headers: bearer(adminToken),
    data: { name: `aic-web ${uniq(3)}`, address: WEB_IMAGE, apps: [{ port: 8000, name: "Web" }], notebook: true },
  });
  expect(res.status(), await res.text()).toBe(201);
  const image = (await res.json()) as { id: string };
  const instance = (await launchRunning(api, u.token, { name: `web-${uniq(3)}`, imageId: image.id, specId: spec.id, nodeId: node.id })) as {
    id: string;
    name: string;
  };
  const appsOrigin = `http://127.0.0.1:${Number(new URL(baseURL!).port) + 21000}`;
  try {
    await signIn(page, u.username, u.password);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`/instances/${instance.id}`);
    const apps = page.getByTestId("instance-apps");
    const web = apps.getByRole("link", { name: "Open Web" });
    const lab = apps.getByRole("link", { name: "Open JupyterLab" });
    await expect(web).toHaveAttribute("href", `/apps/${instance.id}/8000/`);
    await expect(web).toHaveAttribute("target", "_blank");
    await expect(lab).toHaveAttribute("href", `/apps/${instance.id}/8888/lab`);
    await expect(lab).toHaveClass(/ant-btn-primary/);
    await shot(page, "instance-apps-1440");

    // The console's link signs the tab in to the app's own origin; its page's websocket echoes through the proxy.
    const webTab = await tabOf(page, () => web.click());
    await expect(webTab).toHaveURL(`${appsOrigin}/apps/${instance.id}/8000/`);
    await expect(webTab.getByRole("heading", { name: "aic-web" })).toBeVisible();
    await expect(webTab.locator("#ws")).toHaveText(/^echo: ping \d+$/);
    await shot(webTab, "instance-app-web-1440");
    await webTab.close();

    const labTab = await tabOf(page, () => lab.click());
    await expect(labTab).toHaveURL(`${appsOrigin}/apps/${instance.id}/8888/lab`);
    await expect(labTab.getByRole("heading", { name: "JupyterLab (aic-web)" })).toBeVisible();
    await expect(labTab.locator("#ws")).toHaveText(/^echo: ping \d+$/);
    await shot(labTab, "instance-app-jupyter-1440");
    await labTab.close();

    // Any other port: checked as typed, opened the same way.
    const other = apps.getByTestId("other-port");
    const port = other.getByLabel("Other port");
    await port.fill("70000");
    await expect(other.getByTestId("other-port-error")).toHaveText("Port must be at most 65,535");
    await expect(other.getByRole("button", { name: "Open" })).toBeDisabled();
    await port.fill("8000");
    await expect(other.getByTestId("other-port-error")).toHaveCount(0);
    const open = other.getByRole("link", { name: "Open" });
    await expect(open).toHaveAttribute("href", `/apps/${instance.id}/8000/`);
    const portTab = await tabOf(page, () => open.click());
    await expect(portTab).toHaveURL(`${appsOrigin}/apps/${instance.id}/8000/`);
    await expect(portTab.locator("#ws")).toHaveText(/^echo: ping \d+$/);
    await portTab.close();

    await page.setViewportSize({ width: 390, height: 844 });
    await expect(lab).toBeVisible();
    await shot(page, "instance-apps-390");
    await page.setViewportSize({ width: 1440, height: 900 });

    // The list links a running instance's apps too.
    await page.goto("/instances");
    const listed = page.getByRole("row", { name: /web-/ }).getByTestId("instance-app-links");
    await expect(listed.getByRole("link", { name: "Open JupyterLab" })).toHaveAttribute("href", `/apps/${instance.id}/8888/lab`);
    await expect(listed.getByRole("link", { name: "Open Web" })).toHaveAttribute("href", `/apps/${instance.id}/8000/`);
    await shot(page, "instances-app-links-1440");

    // Stopped: the same buttons, disabled, saying why; no links in the list.
    expect((await api.post(`/api/v1/instances/${instance.id}/stop`, h)).status()).toBe(200);
    await page.goto(`/instances/${instance.id}`);
    await expect(page.getByTestId("instance-status")).toHaveText("Stopped");
    for (const label of ["Open Web", "Open JupyterLab"]) {
      await expect(apps.getByRole("button", { name: label })).toBeDisabled();
      await expect(apps.getByRole("link", { name: label })).toHaveCount(0);
    }
    await expect(other.getByLabel("Other port")).toBeDisabled();
    await apps.getByRole("button", { name: "Open Web" }).hover({ force: true });
    await expect(page.getByRole("tooltip")).toHaveText("Start the instance to open its apps");
    await shot(page, "instance-apps-stopped-1440");
    await page.goto("/instances");
    await expect(page.getByRole("row", { name: /web-/ }).getByTestId("instance-status")).toHaveText("Stopped");
    await expect(page.getByTestId("instance-app-links")).toHaveCount(0);

    // An administrator, on a console without app domains: another user's apps do not open
    // (the server refuses them too, e2e/api/apps.spec.ts), and the buttons say why.
    expect((await api.post(`/api/v1/instances/${instance.id}/start`, h)).status()).toBe(200);
    const admin = await newUser("admin");
    await switchUser(page, admin.username, admin.password);
    await page.goto(`/instances/${instance.id}`);
    await expect(page.getByTestId("instance-status")).toHaveText("Running");
    await expect(apps.getByRole("button", { name: "Open Web" })).toBeDisabled();
    await apps.getByRole("button", { name: "Open Web" }).hover({ force: true });
    await expect(page.getByRole("tooltip")).toHaveText("Other users' apps open only when the console serves apps on their own domains (APPS_DOMAIN)");
    await page.goto(`/instances?name=${encodeURIComponent(instance.name)}`);
    await expect(page.getByRole("row", { name: instance.name }).getByTestId("instance-status")).toHaveText("Running");
    await expect(page.getByTestId("instance-app-links")).toHaveCount(0);
  } finally {
    await api.delete(`/api/v1/instances/${instance.id}`, h);
  }
});

test("an instance whose image declares no apps offers the other-port opener with a hint", async ({ page, api, adminToken, newUser, shot }) => {
  test.setTimeout(90_000);
  const u = await newUser();
  const h = { headers: bearer(u.token) };
  const { node, image, spec } = await launchSetup(api, adminToken);
  const instance = (await launchRunning(api, u.token, { name: `plain-${uniq(3)}`, imageId: image.id, specId: spec.id, nodeId: node.id })) as {
    id: string;
    apps: unknown[];
  };
  expect(instance.apps).toEqual([]);
  try {
    await signIn(page, u.username, u.password);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`/instances/${instance.id}`);
    const apps = page.getByTestId("instance-apps");
    await expect(apps.getByTestId("apps-none")).toContainText("This image declares no web apps");
    await expect(apps.getByRole("link", { name: /^Open / })).toHaveCount(0);
    await apps.getByLabel("Other port").fill("6006");
    await expect(apps.getByRole("link", { name: "Open" })).toHaveAttribute("href", `/apps/${instance.id}/6006/`);
    await shot(page, "instance-apps-none-1440");
  } finally {
    await api.delete(`/api/v1/instances/${instance.id}`, h);
  }
});
