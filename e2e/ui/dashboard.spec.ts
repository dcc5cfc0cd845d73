// Dashboards in Chromium: an admin sees the cluster overview with a GPU heatmap fed by the
// collector (real sshd, fixture nvidia-smi); a user sees their instances.
import { bearer, expect, test, uniq } from "../fixtures";
import { LOCAL_DOCKER, SSH } from "../node-fixtures";
import { signIn, switchUser } from "./helpers";

test("an admin sees the cluster overview and a GPU heatmap; a user sees their instances", async ({ page, api, adminToken, newUser, shot }) => {
  test.setTimeout(90_000);
  const name = `gpu-${uniq()}`;
  const node = await (
    await api.post("/api/v1/nodes", {
      headers: bearer(adminToken),
      data: {
        name,
        dockerAddress: LOCAL_DOCKER,
        privateIp: SSH.host,
        sshPort: SSH.port,
        sshUsername: SSH.username,
        sshPassword: SSH.password,
        gpuName: "NVIDIA GeForce RTX 4090",
        gpuCount: 2,
        gpuMemoryGb: 24,
      },
    })
  ).json();
  expect((await (await api.post(`/api/v1/nodes/${node.id}/test`, { headers: bearer(adminToken) })).json()).online).toBe(true);

  const admin = await newUser("admin");
  await signIn(page, admin.username, admin.password);
  await expect(page.getByText("Cluster", { exact: true })).toBeVisible();
  await expect(page.getByTestId("gpu-heatmap")).toBeVisible();
  // The collector's first poll of the new node lands within a few seconds.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId(`gpu-cell-${name}-0`)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByTestId("overview-gpus")).toContainText("/");
  await page.getByTestId(`gpu-cell-${name}-0`).hover();
  await expect(page.getByRole("tooltip")).toContainText("GPU 0 · 35%");
  await shot(page, "40-admin-dashboard");

  const user = await newUser();
  await switchUser(page, user.username, user.password);
  await expect(page.getByText("My instances")).toBeVisible();
  await expect(page.getByText("No instances yet")).toBeVisible();
  await expect(page.getByText("Cluster", { exact: true })).toHaveCount(0);
});
