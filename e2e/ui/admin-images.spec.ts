// Admin images page in Chromium (admin session): each image's "On nodes" panel shows its own
// pulls only, however the panels are opened one after another.
import { bearer, expect, test, uniq } from "../fixtures";
import { LOCAL_DOCKER } from "../node-fixtures";
import { closeDialog, signIn } from "./helpers";

test("the On nodes panel of one image never shows another image's pull results", async ({ page, api, adminToken, newUser, shot }) => {
  // Many steps and screenshots in two widths, next to the parallel instance and GPU tests.
  test.setTimeout(120_000);
  const tag = uniq(3);
  const h = { headers: bearer(adminToken) };
  const nodeName = `pull-${tag}`;
  const node = await (await api.post("/api/v1/nodes", { ...h, data: { name: nodeName, dockerAddress: LOCAL_DOCKER, isListed: false } })).json();
  expect((await (await api.post(`/api/v1/nodes/${node.id}/test`, h)).json()).online).toBe(true);
  // Nothing on the local registry answers to this name: its pull fails at once.
  const missing = `127.0.0.1:5000/aic/missing-${tag}:1`;
  for (const [name, address] of [
    [`Missing ${tag}`, missing],
    [`Busybox ${tag}`, "local/busybox:latest"],
  ]) {
    expect((await api.post("/api/v1/images", { ...h, data: { name, address, isListed: false } })).status()).toBe(201);
  }

  const admin = await newUser("admin");
  await signIn(page, admin.username, admin.password);
  await page.goto("/admin/images");
  const search = async () => {
    await page.getByPlaceholder("Search by name").fill(tag);
    await page.getByPlaceholder("Search by name").press("Enter");
  };
  await search();
  const open = async (name: string) => {
    await page
      .getByRole("row", { name: new RegExp(name) })
      .getByRole("button", { name: "On nodes" })
      .click();
    const panel = page.getByRole("dialog", { name: `On nodes: ${name}` });
    await expect(panel).toBeVisible();
    return panel;
  };

  const first = await open(`Missing ${tag}`);
  await first.getByTestId(`presence-${nodeName}`).getByRole("button", { name: "Pull" }).click();
  await expect(first.getByTestId(`presence-${nodeName}`)).toContainText("Pull failed");
  await expect(first.getByTestId(`presence-${nodeName}`)).toContainText(missing);
  await closeDialog(first);

  const second = await open(`Busybox ${tag}`);
  await expect(second.getByTestId(`presence-${nodeName}`)).toContainText("Present");
  await expect(second.getByTestId(`presence-${nodeName}`)).not.toContainText("Pull failed");
  await expect(second.getByTestId(`presence-${nodeName}`)).not.toContainText(missing);
  await page.setViewportSize({ width: 1440, height: 900 });
  await shot(page, "images-presence-1440");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "images-presence-390");
  await page.setViewportSize({ width: 1440, height: 900 });
  await closeDialog(second);

  // Back on the first image: its own failure is still there.
  const again = await open(`Missing ${tag}`);
  await expect(again.getByTestId(`presence-${nodeName}`)).toContainText("Pull failed");
  await closeDialog(again);

  // The console remembers the failed pull: after a reload the node is flagged as unable to run it, with the reason.
  await page.reload();
  await search();
  const remembered = await open(`Missing ${tag}`);
  const flag = remembered.getByTestId(`presence-${nodeName}`).getByTestId("cannot-run");
  await expect(flag).toContainText("Cannot run this image");
  await expect(flag).toContainText(`${missing} is not on node ${nodeName}, and pulling it there failed`);
  await shot(page, "images-cannot-run-1440");
  await closeDialog(remembered);

  // Saving an image no online node has or can pull is allowed, with a warning saying so.
  await page.getByRole("button", { name: "New image" }).click();
  const form = page.getByRole("dialog", { name: "New image" });
  await form.getByLabel("Name").fill(`Nowhere ${tag}`);
  await form.getByLabel("Image address").fill(`127.0.0.1:5000/aic/nowhere-${tag}:1`);
  await form.getByRole("button", { name: "Create" }).click();
  const warning = page.locator(".ant-notification-notice").filter({ hasText: "Saved, but:" });
  await expect(warning).toContainText(`127.0.0.1:5000/aic/nowhere-${tag}:1 is on none of the online nodes, and they cannot pull it`);
  await expect(page.getByRole("row", { name: new RegExp(`Nowhere ${tag}`) })).toBeVisible();
  await expect(form).toBeHidden();
  await shot(page, "images-saved-with-warning-1440");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "images-saved-with-warning-390");
});
