// Admin nodes page in Chromium (admin session): the node form refuses bad numbers instead of
// changing them, a node saved without capacity gets it from Docker (and looks unhealthy while
// it has none), and applying detected values re-runs the test so its results match the node.
import { bearer, expect, test, uniq } from "../fixtures";
import { LOCAL_DOCKER, SSH } from "../node-fixtures";
import { closeDialog, signIn } from "./helpers";

test("the node form shows an error naming the field for bad numbers and keeps what was typed; capacity left at 0 comes from Docker", async ({
  page,
  api,
  adminToken,
  newUser,
  shot,
}) => {
  // Many steps and screenshots in two widths, next to the parallel instance and GPU tests.
  test.setTimeout(120_000);
  const admin = await newUser("admin");
  const name = `form-${uniq()}`;
  await signIn(page, admin.username, admin.password);
  await page.goto("/admin/nodes");
  await page.getByRole("button", { name: "New node" }).click();
  const drawer = page.getByRole("dialog", { name: "New node" });
  await drawer.getByLabel("Name", { exact: true }).fill(name);
  // Kept out of placement: other tests launch instances meanwhile.
  await drawer.getByRole("switch", { name: "Listed (used for placement)" }).click();
  const typed = { "GPU count": "1.5", "CPU cores": "-4", "Memory (GB)": "abc", "SSH port": "99999" };
  for (const [label, value] of Object.entries(typed)) await drawer.getByLabel(label, { exact: true }).fill(value);
  await drawer.getByRole("button", { name: "Create" }).click();
  await expect(drawer.getByText("GPU count must be a whole number")).toBeVisible();
  await expect(drawer.getByText("CPU cores must be at least 0")).toBeVisible();
  await expect(drawer.getByText("Memory (GB) must be a number")).toBeVisible();
  await expect(drawer.getByText("SSH port must be at most 65,535")).toBeVisible();
  for (const [label, value] of Object.entries(typed)) await expect(drawer.getByLabel(label, { exact: true })).toHaveValue(value);
  await page.setViewportSize({ width: 1440, height: 900 });
  await shot(page, "nodes-form-errors-1440");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "nodes-form-errors-390");
  await page.setViewportSize({ width: 1440, height: 900 });
  expect((await (await api.get(`/api/v1/nodes?name=${name}`, { headers: bearer(adminToken) })).json()).total).toBe(0);

  // CPU and memory left at 0: the node is tested on creation and takes them from Docker.
  await drawer.getByLabel("GPU count", { exact: true }).fill("0");
  await drawer.getByLabel("CPU cores", { exact: true }).fill("0");
  await drawer.getByLabel("Memory (GB)", { exact: true }).fill("0");
  await drawer.getByLabel("SSH port", { exact: true }).fill("22");
  await drawer.getByRole("button", { name: "Create" }).click();
  const detail = page.getByRole("dialog", { name });
  await expect(detail.getByTestId("check-docker")).toContainText("capacity was 0, now");
  await expect(detail.getByTestId("no-capacity")).toHaveCount(0);
  const saved = (await (await api.get(`/api/v1/nodes?name=${name}`, { headers: bearer(adminToken) })).json()).items[0];
  expect(saved).toMatchObject({ status: "online" });
  expect(saved.cpuCores).toBeGreaterThan(0);
  expect(saved.memoryGb).toBeGreaterThan(0);
  await shot(page, "nodes-detail-filled-1440");
  await closeDialog(detail);

  // An admin who sets 0 on purpose gets a warning, not a healthy-looking node.
  expect((await api.patch(`/api/v1/nodes/${saved.id}`, { headers: bearer(adminToken), data: { cpuCores: 0 } })).status()).toBe(200);
  await page.getByPlaceholder("Search by name").fill(name);
  await page.getByPlaceholder("Search by name").press("Enter");
  await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("Online · no capacity");
  await shot(page, "nodes-list-no-capacity-1440");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "nodes-list-no-capacity-390");
});

test("after applying detected values the test runs again, so its results match the node", async ({ page, api, adminToken, newUser, shot }) => {
  const name = `apply-${uniq()}`;
  const h = { headers: bearer(adminToken) };
  // No GPUs typed, but SSH reaches the fixture nvidia-smi (two RTX 4090).
  const node = await (
    await api.post("/api/v1/nodes", {
      ...h,
      data: {
        name,
        dockerAddress: LOCAL_DOCKER,
        privateIp: SSH.host,
        sshPort: SSH.port,
        sshUsername: SSH.username,
        sshPassword: SSH.password,
        isListed: false,
      },
    })
  ).json();
  await api.post(`/api/v1/nodes/${node.id}/test`, h);
  const admin = await newUser("admin");
  await signIn(page, admin.username, admin.password);
  await page.goto("/admin/nodes");
  await page.getByPlaceholder("Search by name").fill(name);
  await page.getByPlaceholder("Search by name").press("Enter");
  await page
    .getByRole("row", { name: new RegExp(name) })
    .getByRole("button", { name: "Details" })
    .click();
  const detail = page.getByRole("dialog", { name });
  await expect(detail.getByTestId("check-gpu_runtime")).toContainText("No GPUs configured");
  await detail.getByRole("button", { name: "Apply detected values" }).click();
  await expect(detail.getByTestId("check-gpu_runtime")).toContainText("NVIDIA Container Toolkit found");
  await expect(detail.getByTestId("check-nvidia_smi")).toContainText("nvidia-smi lists 2 GPUs");
  expect(await (await api.get(`/api/v1/nodes/${node.id}`, h)).json()).toMatchObject({ gpuCount: 2, gpuName: "NVIDIA GeForce RTX 4090", gpuMemoryGb: 24 });
  await page.setViewportSize({ width: 1440, height: 900 });
  await shot(page, "nodes-detail-applied-1440");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "nodes-detail-applied-390");

  // The open node is in the URL: a reload (or a notification's link) opens it again.
  await expect(page).toHaveURL(new RegExp(`[?&]node=${node.id}`));
  await page.goto(`/admin/nodes?node=${node.id}`);
  await expect(page.getByRole("dialog", { name })).toBeVisible();
});
