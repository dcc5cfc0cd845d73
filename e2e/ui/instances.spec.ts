// Instances in Chromium against the real local engine: a user launches one through the
// wizard (first refused with the server's NO_CAPACITY reason, then placed), follows it to
// running, reads its logs and stats, stops it and deletes it. Setup (a node of its own,
// an image, a 1-CPU spec) goes through the admin API, so parallel tests do not compete.
import { execFileSync } from "node:child_process";
import { bearer, expect, test, uniq } from "../fixtures";
import { launchSetup, waitForStatus } from "../node-fixtures";
import { signIn } from "./helpers";

const containerExists = (id: string) => {
  try {
    execFileSync("docker", ["inspect", `aic-${id}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

test("a user launches an instance, watches it run, reads its logs, stops and deletes it", async ({ page, api, adminToken, newUser, shot }) => {
  test.setTimeout(120_000);
  // One CPU on the node: a second instance on it is refused for capacity.
  const { node, image, spec } = await launchSetup(api, adminToken, { cpuCores: 1, memoryGb: 2 });
  const user = await newUser();
  const name = `nb-${uniq(3)}`;
  await signIn(page, user.username, user.password);

  await page.goto("/instances");
  await expect(page.getByText("No instances yet")).toBeVisible();
  await expect(page.getByRole("menuitem", { name: "Instances" })).toHaveClass(/ant-menu-item-selected/);
  await shot(page, "30-instances-empty");
  await page.getByRole("button", { name: "Launch instance" }).first().click();
  await expect(page).toHaveURL(/\/instances\/new$/);
  await expect(page.getByRole("menuitem", { name: "Instances" })).toHaveClass(/ant-menu-item-selected/);

  // Image → a default name after it; spec → its nodes; our node.
  await page.getByTestId(`image-choice-${image.name}`).click();
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(/^aic-app-[0-9a-f]{3,}/);
  await page.getByTestId(`spec-choice-${spec.name}`).click();
  await expect(page.getByRole("radio", { name: spec.name })).toBeChecked();
  await expect(page.getByText(/1\.20 \/ hour/).last()).toBeVisible();
  await page.getByRole("radio", { name: new RegExp(node.name) }).check();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Remark").fill("launched from the UI test");
  await shot(page, "31-launch-wizard");

  // Someone takes the node's only CPU meanwhile: the server's reason is shown as it is.
  const blocker = await api.post("/api/v1/instances", {
    headers: bearer(user.token),
    data: { name: `blocker-${uniq(3)}`, imageId: image.id, specId: spec.id, nodeId: node.id },
  });
  expect(blocker.status(), await blocker.text()).toBe(202);
  const blockerId = ((await blocker.json()) as { id: string }).id;
  await page.getByRole("button", { name: "Launch instance" }).click();
  await expect(page.getByTestId("launch-error")).toContainText(`${node.name} needs 1 more CPU cores`);
  await expect(page).toHaveURL(/\/instances\/new$/);
  await shot(page, "32-launch-no-capacity");
  await waitForStatus(api, user.token, blockerId, "running");
  expect((await api.delete(`/api/v1/instances/${blockerId}`, { headers: bearer(user.token) })).status()).toBe(204);

  // Launch again: the instance page follows it from creating to running. (A refusal would show
  // under the form: the wait reports it rather than the URL alone.)
  await page.getByRole("button", { name: "Launch instance" }).click();
  const launchError = page.getByTestId("launch-error");
  await expect
    .poll(async () => ((await launchError.count()) ? `refused: ${await launchError.textContent()}` : new URL(page.url()).pathname))
    .toMatch(/^\/instances\/(?!new)[^/]+$/);
  const id = page.url().split("/").pop()!;
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByTestId("instance-status")).toHaveText("Running", { timeout: 30_000 });
  await expect(page.getByTestId("launch-progress")).toHaveCount(0);
  await expect(page.getByText(node.name).first()).toBeVisible();
  await expect(page.getByText("launched from the UI test")).toBeVisible();
  await shot(page, "33-instance-running");

  await page.getByRole("tab", { name: "Logs" }).click();
  await expect(page.getByTestId("instance-logs")).toContainText(`aic-app started on ${name}`);
  await expect(page.getByTestId("instance-logs")).toContainText("aic-app stderr line");
  await expect(page.getByRole("link", { name: "Download" })).toHaveAttribute("href", `/api/v1/instances/${id}/logs/download?timestamps=false`);
  await shot(page, "34-instance-logs");

  await page.getByRole("tab", { name: "Stats" }).click();
  await expect(page.getByTestId("stat-memory")).toContainText("/ 1.0 GB");
  await expect(page.getByTestId("chart-cpu").locator("canvas")).toBeVisible();
  // Streamed over /stats: the badge says live and the charts gather points.
  await expect(page.getByTestId("stats-live")).toContainText("Live");
  await expect(page.getByTestId("chart-network").locator("canvas")).toBeVisible();
  await expect(page.getByTestId("chart-disk").locator("canvas")).toBeVisible();
  await page.waitForTimeout(3_000);
  await shot(page, "35-instance-stats");

  // The list shows it running on our node.
  await page.getByRole("menuitem", { name: "Instances" }).getByRole("link").click();
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText("Running");
  await expect(row).toContainText(node.name);
  await row.getByRole("link", { name }).click();

  // Stop (confirmed), then delete (confirmed, naming the data volume).
  await page.getByRole("button", { name: "Stop" }).click();
  const stopDialog = page.getByRole("dialog");
  await expect(stopDialog).toContainText("is kept");
  await stopDialog.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByTestId("instance-status")).toHaveText("Stopped");
  await expect(page.getByRole("button", { name: "Start" })).toBeVisible();
  await shot(page, "36-instance-stopped");

  await page.getByRole("button", { name: "Delete" }).click();
  const deleteDialog = page.getByRole("dialog");
  await expect(deleteDialog).toContainText(`${name}`);
  await expect(deleteDialog).toContainText("data volume");
  await deleteDialog.getByRole("button", { name: "Delete" }).hover(); // waits until the dialog stops moving
  await shot(page, "37-confirm-delete");
  await deleteDialog.getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL(/\/instances$/);
  await expect(page.getByRole("row", { name: new RegExp(name) })).toHaveCount(0);
  await expect(page.getByText("No instances yet")).toBeVisible();
  expect(containerExists(id)).toBe(false);
  expect((await api.get(`/api/v1/instances/${id}`, { headers: bearer(user.token) })).status()).toBe(404);
});
