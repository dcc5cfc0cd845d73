// Live and historical charts in Chromium with a GPU instance that really runs (GPU-host
// engine, fixture nvidia-smi over the real sshd): the dashboard's mini charts, the instance
// page's GPU cards and charts (live, then an hour of history), and the node's GPU history.
import { expect, test, uniq } from "../fixtures";
import { gpuLaunchSetup, launchRunning } from "../node-fixtures";
import { signIn, switchUser } from "./helpers";

const points = async (locator: import("@playwright/test").Locator) => Number((await locator.getAttribute("data-points")) ?? 0);

test("a user watches a GPU instance live and over time; an admin sees the node's GPU history", async ({ page, api, adminToken, newUser, shot }) => {
  test.setTimeout(150_000);
  const { node, image, spec } = await gpuLaunchSetup(api, adminToken);
  const user = await newUser();
  const name = `train-${uniq(3)}`;
  const instance = await launchRunning(api, user.token, { name, imageId: image.id, specId: spec.id, nodeId: node.id });

  await signIn(page, user.username, user.password);
  // Dashboard: the running instance with a live CPU line and its GPU's utilization.
  const mini = page.getByTestId(`mini-${name}`);
  await expect(mini).toContainText("GPU 35%", { timeout: 15_000 });
  await expect.poll(() => points(page.getByTestId(`spark-${name}`)), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
  await shot(page, "45-user-dashboard-live");

  // Instance page, Stats: the GPU it holds, live, and the charts filling up.
  await page.goto(`/instances/${instance.id}`);
  await page.getByRole("tab", { name: "Stats" }).click();
  await expect(page.getByTestId("gpu-0-utilization")).toContainText("35%");
  await expect(page.getByTestId("gpu-0-memory")).toHaveText("1.0 GB / 24 GB");
  await expect(page.getByTestId("stats-live")).toContainText("Live");
  await expect.poll(() => points(page.getByTestId("chart-cpu")), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
  await expect.poll(() => points(page.getByTestId("chart-gpu-utilization")), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
  await shot(page, "46-instance-gpu-live");

  // History: the collector's samples (every 5 s here) over the last hour, GPU included.
  await page.getByTestId("stats-range").getByText("1 hour").click();
  await expect(async () => {
    await page.getByTestId("stats-range").getByText("6 hours").click();
    await page.getByTestId("stats-range").getByText("1 hour").click();
    expect(await points(page.getByTestId("chart-cpu"))).toBeGreaterThanOrEqual(1);
    expect(await points(page.getByTestId("chart-gpu-utilization"))).toBeGreaterThanOrEqual(1);
  }).toPass({ timeout: 30_000 });
  await shot(page, "47-instance-history");

  // Admin: the node's GPU history in its details.
  const admin = await newUser("admin");
  await switchUser(page, admin.username, admin.password);
  await page.goto("/admin/nodes");
  await page.getByPlaceholder("Search by name").fill(node.name);
  await page.getByPlaceholder("Search by name").press("Enter");
  await page.getByText(node.name, { exact: true }).click();
  const history = page.getByTestId("node-gpu-history");
  await expect(history).toBeVisible();
  await expect.poll(() => points(page.getByTestId("node-chart-utilization")), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  await expect.poll(() => points(page.getByTestId("node-chart-memory")), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  await history.scrollIntoViewIfNeeded();
  await shot(page, "48-node-gpu-history");
});
