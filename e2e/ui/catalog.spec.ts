// Admin pages for images, specs and nodes in Chromium, and the user's catalog.
import { bearer, expect, steadyPage, test, uniq } from "../fixtures";
import { closeDialog, signIn } from "./helpers";

test("an admin adds an image, a spec and the local node, tests the node and sees it online; a user sees the catalog", async ({
  page,
  api,
  newUser,
  shot,
  browser,
  baseURL,
  clientIp,
}) => {
  // Three admin pages, a node test and a user's view, with screenshots: long next to the parallel GPU and billing tests.
  test.setTimeout(180_000);
  const admin = await newUser("admin");
  const tag = uniq(3);
  await signIn(page, admin.username, admin.password);

  // Node: the local Docker engine over its unix socket.
  await page.goto("/admin/nodes");
  await page.getByRole("button", { name: "New node" }).click();
  const drawer = page.getByRole("dialog", { name: "New node" });
  await drawer.getByLabel("Name", { exact: true }).fill(`local-${tag}`);
  await expect(drawer.getByLabel("Docker address")).toHaveValue("unix:///var/run/docker.sock");
  await drawer.getByLabel("CPU cores").fill("2");
  await drawer.getByLabel("Memory (GB)", { exact: true }).fill("4");
  await shot(page, "20-node-form");
  await drawer.getByRole("button", { name: "Create" }).click();
  const detail = page.getByRole("dialog", { name: `local-${tag}` });
  await expect(detail).toBeVisible();
  await detail.getByRole("button", { name: "Test connection" }).click();
  await expect(detail.getByTestId("check-docker")).toContainText("reachable at unix:///var/run/docker.sock");
  await expect(detail.getByText("Online").first()).toBeVisible();
  await expect(detail.getByText("Status history")).toBeVisible();
  await shot(page, "21-node-tested");
  await closeDialog(detail);
  await page.getByPlaceholder("Search by name").fill(`local-${tag}`);
  await page.getByPlaceholder("Search by name").press("Enter");
  await expect(page.getByRole("row", { name: new RegExp(`local-${tag}`) })).toContainText("Online");

  // Image.
  await page.goto("/admin/images");
  await page.getByRole("button", { name: "New image" }).click();
  const imageDrawer = page.getByRole("dialog", { name: "New image" });
  await imageDrawer.getByLabel("Name").fill(`Busybox ${tag}`);
  await imageDrawer.getByLabel("Image address").fill("Not A Reference");
  await imageDrawer.getByLabel("Description").fill("A tiny image for smoke tests");
  await imageDrawer.getByRole("button", { name: "Create" }).click();
  await expect(imageDrawer.getByText("is not a valid Docker image reference")).toBeVisible();
  await imageDrawer.getByLabel("Image address").fill("local/busybox:latest");
  await imageDrawer.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("row", { name: new RegExp(`Busybox ${tag}`) })).toBeVisible();
  await page
    .getByRole("row", { name: new RegExp(`Busybox ${tag}`) })
    .getByRole("button", { name: "On nodes" })
    .click();
  await expect(page.getByTestId(`presence-local-${tag}`)).toContainText("Present");
  await shot(page, "22-image-presence");
  await closeDialog(page.getByRole("dialog", { name: `On nodes: Busybox ${tag}` }));

  // Spec that fits the node.
  await page.goto("/admin/specs");
  await page.getByRole("button", { name: "New spec" }).click();
  const specDrawer = page.getByRole("dialog", { name: "New spec" });
  await specDrawer.getByLabel("Name").fill(`Small ${tag}`);
  // Out-of-range input is refused with a message, never silently changed into something else.
  await specDrawer.getByLabel("CPU cores").fill("0");
  await specDrawer.getByLabel("Memory (GB)").fill("1.5");
  await specDrawer.getByLabel(/Price per hour/).fill("-5");
  await specDrawer.getByRole("button", { name: "Create" }).click();
  await expect(specDrawer.getByText("CPU cores must be at least 1")).toBeVisible();
  await expect(specDrawer.getByText("Memory (GB) must be a whole number")).toBeVisible();
  await expect(specDrawer.getByText("Price per hour (¥) must be at least 0")).toBeVisible();
  await expect(specDrawer.getByLabel("Memory (GB)")).toHaveValue("1.5");
  await expect(specDrawer).toBeVisible();
  await specDrawer.getByLabel("CPU cores").fill("1");
  await specDrawer.getByLabel("Memory (GB)").fill("1");
  await specDrawer.getByLabel(/Price per hour/).fill("2.5");
  await specDrawer.getByRole("button", { name: "Create" }).click();
  await expect(specDrawer).toBeHidden();
  // Other tests add specs too: the new one is found by its name.
  await page.getByPlaceholder("Search by name").fill(`Small ${tag}`);
  await page.getByPlaceholder("Search by name").press("Enter");
  const specRow = page.getByRole("row", { name: new RegExp(`Small ${tag}`) });
  await expect(specRow).toContainText("2.50");
  await expect(specRow.getByText(/Nodes free: \d+/)).toBeVisible();
  await shot(page, "23-specs");

  // A user sees both in the catalog.
  const user = await newUser();
  const ctx = await browser.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": clientIp } });
  const userPage = steadyPage(await ctx.newPage());
  await signIn(userPage, user.username, user.password);
  await userPage.goto("/catalog");
  await expect(userPage.getByTestId(`image-card-Busybox ${tag}`)).toContainText("A tiny image for smoke tests");
  const card = userPage.getByTestId(`spec-card-Small ${tag}`);
  await expect(card).toContainText("1 vCPU");
  await expect(card).toContainText("2.50 / hour");
  await expect(userPage.getByText(/Nodes available: \d+/).first()).toBeVisible();
  await expect(userPage.getByRole("menuitem", { name: "Nodes" })).toHaveCount(0);
  await shot(userPage, "24-user-catalog");
  await ctx.close();
  expect((await api.get("/api/v1/nodes", { headers: bearer(user.token) })).status()).toBe(403);
});
