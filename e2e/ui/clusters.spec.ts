// Slurm clusters in Chromium, against the real single-host Slurm (scripts/test-env-slurm.sh):
// an administrator registers a cluster through the form (key mode, the test sshd as login
// node, a partition price), tests it and sees every check pass, maps a user name, and reads
// the cluster page (status, nodes, partitions, queue, history); a user mapped to aicslurm1
// submits a Slurm job from the job form and follows its run to Succeeded with its output and
// error files. Screenshots at 1440 and 390 px.
import type { Page } from "@playwright/test";
import { bearer, expect, test, uniq } from "../fixtures";
import { SSH } from "../node-fixtures";
import { freePort, mapUser, registerCluster, SLURM } from "../slurm-fixtures";
import { closeDialog, signIn } from "./helpers";

/** Toasts gone and loading over, so a screenshot shows the page itself. */
async function settle(page: Page) {
  await expect(page.locator(".ant-message-notice")).toHaveCount(0, { timeout: 15_000 });
  await expect(page.locator(".ant-spin-spinning")).toHaveCount(0);
  // Tab panes and drawers fade in and out.
  await page.waitForTimeout(400);
}

/** Both widths of a page, back at 1440 afterwards. */
async function shotBoth(page: Page, shot: (page: Page, name: string) => Promise<void>, name: string) {
  await page.setViewportSize({ width: 1440, height: 900 });
  await settle(page);
  await shot(page, `${name}-1440`);
  await page.setViewportSize({ width: 390, height: 844 });
  // Nothing runs off the side of a phone.
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await shot(page, `${name}-390`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

/** Picks an option of a searchable select by typing it. */
async function pick(page: Page, label: string, option: string) {
  const select = page.getByLabel(label, { exact: true });
  await select.click();
  await select.fill(option);
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option").filter({ hasText: option }).first().click();
}

test("an administrator registers a cluster in the form, tests it, maps a user and reads the cluster page", async ({
  page,
  api,
  adminToken,
  newUser,
  shot,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const admin = await newUser("admin");
  const alice = await newUser();
  const name = `ui-${uniq(4)}`;
  await signIn(page, admin.username, admin.password);
  await page.goto("/admin/clusters");
  await page.getByRole("button", { name: "Add cluster" }).first().click();
  const form = page.getByRole("dialog", { name: "Add cluster" });
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("slurmrestd URL").fill(SLURM.url);
  // Key mode is the default; a wrong secret is refused under its field.
  await expect(form.getByRole("radio", { name: "JWT key" })).toBeChecked();
  await form.getByLabel("JWT key (base64)").fill("not base64!");
  await expect(form.getByLabel("Service user")).toHaveValue("root");
  await form.getByLabel("Login host").fill(SSH.host);
  await form.getByLabel("SSH port").fill(String(SSH.port));
  await form.getByLabel("SSH user").fill(SSH.username);
  await form.getByLabel("SSH private key").fill(SSH.privateKey());
  await form.getByRole("button", { name: "Add a partition price" }).click();
  await form.getByLabel("Partition", { exact: true }).fill("batch");
  await form.getByLabel("¥ per CPU-hour").fill("0.1");
  await form.getByLabel("¥ per GPU-hour").fill("2");
  await form.getByRole("button", { name: "Create" }).click();
  await expect(form.getByText("Must be the HS256 key in base64")).toBeVisible();
  await page.setViewportSize({ width: 1440, height: 900 });
  await form.getByText("Must be the HS256 key in base64").scrollIntoViewIfNeeded();
  await settle(page);
  await shot(page, "clusters-form-1440");
  await form.getByLabel("JWT key (base64)").fill(SLURM.key());
  await form.getByRole("button", { name: "Create" }).click();

  // Saved: its details open and the connection test runs at once; every check passes.
  const detail = page.getByRole("dialog", { name });
  await expect(detail.getByTestId("cluster-test")).toContainText("Every check passed", { timeout: 30_000 });
  for (const key of ["reach", "version", "auth", "partitions", "login"]) await expect(detail.getByTestId(`check-${key}`)).toHaveAttribute("data-ok", "true");
  await detail.getByRole("button", { name: "Test connection" }).click();
  await expect(detail.getByTestId("check-login")).toHaveAttribute("data-ok", "true", { timeout: 30_000 });
  await expect(detail.getByTestId("test-partitions")).toContainText("debug, batch");
  await expect(detail.getByTestId("check-version")).toContainText("22.05");
  await expect(detail).toContainText("v0.0.38");

  // A user name on the cluster, set for a user found by search.
  const users = detail.getByTestId("cluster-users");
  await users.getByLabel("Console user").click();
  await users.getByLabel("Console user").fill(alice.username);
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option").filter({ hasText: alice.username }).first().click();
  await users.getByLabel("Slurm user").fill("aicslurm1");
  await users.getByRole("button", { name: "Set" }).click();
  await expect(users.getByRole("row", { name: new RegExp(alice.username) })).toContainText("aicslurm1");
  await shotBoth(page, shot, "clusters-detail");
  await closeDialog(detail);
  await page.reload();

  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText("Healthy");
  await expect(row).toContainText("Slurm 22.05");
  await shotBoth(page, shot, "clusters-admin");

  // The cluster page: status, figures, nodes, partitions (with the price), the queue, history.
  const cluster = (
    (await (await api.get("/api/v1/clusters?pageSize=100", { headers: bearer(adminToken) })).json()) as { items: { id: string; name: string }[] }
  ).items.find((c) => c.name === name)!;
  const nodes = (await (await api.get(`/api/v1/clusters/${cluster.id}/nodes`, { headers: bearer(adminToken) })).json()) as { items: { name: string }[] };
  await row.getByRole("link", { name }).click();
  await expect(page).toHaveURL(new RegExp(`/clusters/${cluster.id}$`));
  await expect(page.getByTestId("cluster-status").first()).toHaveText("Healthy");
  await expect(page.getByTestId("stat-nodes")).toContainText("1");
  await expect(page.getByTestId("stat-cpus")).toContainText("/ 2");
  await expect(page.getByTestId("stat-gpus")).toContainText("/ 2");
  await expect(page.getByTestId("read-at")).not.toHaveText("—");
  await expect(page.getByTestId("cluster-nodes")).toContainText(nodes.items[0]!.name);
  await expect(page.getByTestId("cluster-nodes")).toContainText("debug");
  await shotBoth(page, shot, "cluster-page-nodes");
  await page.getByRole("tab", { name: "Partitions" }).click();
  const parts = page.getByTestId("cluster-partitions");
  await expect(parts.getByRole("row", { name: /debug/ })).toContainText("default");
  await expect(parts.getByRole("row", { name: /debug/ })).toContainText("Free");
  await expect(parts.getByRole("row", { name: /batch/ })).toContainText("¥0.10 / CPU-hour");
  await shotBoth(page, shot, "cluster-page-partitions");
  await page.getByRole("tab", { name: "Jobs" }).click();
  await expect(page.getByTestId("cluster-jobs")).toContainText("Every job in Slurm's queue");
  await page.getByRole("tab", { name: "History" }).click();
  await expect(page.getByTestId("cluster-history")).toContainText("Healthy");

  // Users reach it from the list for everyone, without administration.
  await page.goto("/clusters");
  await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("Healthy");

  // In Chinese.
  await page.context().addCookies([{ name: "locale", value: "zh-CN", url: baseURL! }]);
  await page.goto(`/clusters/${cluster.id}`);
  await expect(page.getByTestId("cluster-status").first()).toHaveText("健康");
  await expect(page.getByTestId("cluster-nodes")).toContainText("debug");
  await shotBoth(page, shot, "cluster-page-zh");
});

test("an unreachable cluster says why on its page instead of figures", async ({ page, api, adminToken, newUser, shot }) => {
  const port = await freePort();
  const cluster = await registerCluster(api, adminToken, { url: `http://127.0.0.1:${port}`, loginHost: null, loginUser: null, loginPrivateKey: null });
  expect(cluster.status).toBe("unreachable");
  const admin = await newUser("admin");
  await signIn(page, admin.username, admin.password);
  await page.goto(`/clusters/${cluster.id}`);
  await expect(page.getByTestId("cluster-status").first()).toHaveText("Unreachable");
  await expect(page.getByTestId("cluster-reason")).toContainText(cluster.statusMessage!);
  await expect(page.getByTestId("stat-cpus")).toContainText("—");
  await expect(page.getByTestId("cluster-read-error")).toContainText("The Slurm cluster cannot be reached.");
  await shotBoth(page, shot, "cluster-page-unreachable");
  await page.goto("/admin/clusters");
  await expect(page.getByRole("row", { name: new RegExp(cluster.name) })).toContainText("Unreachable");
});

test("a mapped user submits a Slurm job from the job form and follows its run to Succeeded with its output", async ({
  page,
  api,
  adminToken,
  newUser,
  shot,
}) => {
  test.setTimeout(180_000);
  const cluster = await registerCluster(api, adminToken);
  const user = await newUser();
  await mapUser(api, adminToken, cluster.id, user.id, "aicslurm1");
  await signIn(page, user.username, user.password);

  // Users see the cluster, read-only, with no administration in reach.
  await page.goto("/clusters");
  await expect(page.getByRole("button", { name: "Manage clusters" })).toHaveCount(0);
  await page.getByRole("link", { name: cluster.name }).click();
  await expect(page.getByTestId("cluster-nodes")).toContainText("debug");
  await expect(page.getByRole("tab", { name: "History" })).toHaveCount(0);
  await page.getByRole("link", { name: "New Slurm job" }).click();
  await expect(page).toHaveURL(/\/jobs\/new\?executor=slurm/);

  // The form starts on Slurm with this cluster and a script template.
  await expect(page.getByRole("textbox", { name: "Batch script" })).toHaveValue(/^#!\/bin\/bash/);
  await expect(page.locator(".ant-select").filter({ has: page.getByLabel("Cluster", { exact: true }) })).toContainText(cluster.name);
  const jobName = `slurm ${uniq(3)}`;
  await page.getByLabel("Name", { exact: true }).fill(jobName);
  // Partitions with their prices and limits; empty is the cluster's default.
  await page.getByLabel("Partition", { exact: true }).click();
  await expect(page.locator(".ant-select-dropdown:visible")).toContainText("default");
  await settle(page);
  await shot(page, "job-form-slurm-partitions-1440");
  await pick(page, "Partition", "debug");
  await page
    .getByRole("textbox", { name: "Batch script" })
    .fill('#!/bin/bash\n#SBATCH --comment=from-the-ui\necho "hello from slurm job $SLURM_JOB_ID as $(whoami)"\necho "a warning" >&2\n');
  await page.getByLabel("Tasks", { exact: true }).fill("1.5");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByText("Tasks must be a whole number")).toBeVisible();
  await page.getByLabel("Tasks", { exact: true }).fill("1");
  await page.getByLabel("Time limit (minutes)").fill("5");
  await shotBoth(page, shot, "job-form-slurm");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/jobs\/[a-z0-9]+$/);
  await expect(page.getByTestId("slurm-target")).toContainText(cluster.name);
  await expect(page.getByText("5 min", { exact: true })).toBeVisible();

  // The run: Slurm's job id and state, then Succeeded with the output line and the error file.
  await page.locator("a[href^='/runs/']").first().click();
  await expect(page).toHaveURL(/\/runs\/[a-z0-9]+$/);
  await expect(page.getByTestId("slurm-job-id")).toHaveText(/^\d+$/, { timeout: 60_000 });
  await expect(page.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 120_000 });
  await expect(page.getByTestId("slurm-state")).toHaveText("COMPLETED");
  const jobId = await page.getByTestId("slurm-job-id").textContent();
  await expect(page.getByTestId("run-logs")).toContainText(`hello from slurm job ${jobId} as aicslurm1`, { timeout: 30_000 });
  await expect(page.getByTestId("slurm-path-output")).toContainText(".out");
  await shotBoth(page, shot, "run-slurm-output");
  await page.getByRole("tab", { name: "Errors" }).click();
  await expect(page.getByTestId("run-logs")).toContainText("a warning");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download" }).click();
  expect((await download).suggestedFilename()).toMatch(/-err\.log$/);

  // A change keeps the job on its cluster: its form opens with what was saved.
  await page.getByRole("link", { name: jobName }).click();
  await page.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("textbox", { name: "Batch script" })).toHaveValue(/from-the-ui/);
  await expect(page.getByLabel("Time limit (minutes)")).toHaveValue("5");
  await page.getByLabel("Time limit (minutes)").fill("10");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/jobs\/[a-z0-9]+$/);
  await expect(page.getByText("10 min", { exact: true })).toBeVisible();
  await expect(page.getByTestId("slurm-target")).toContainText("debug");

  // The jobs list says it is a Slurm job; the cluster page lists the user's run.
  await page.goto("/jobs");
  await expect(page.getByRole("row", { name: new RegExp(jobName) })).toContainText("Slurm");
  await page.goto(`/clusters/${cluster.id}?tab=jobs`);
  await expect(page.getByTestId("my-cluster-runs")).toContainText(jobName);
  await expect(page.getByTestId("my-cluster-runs")).toContainText(jobId!);
  await shotBoth(page, shot, "cluster-page-my-runs");
});

test("without a login node the run page shows where the output files are", async ({ page, api, adminToken, newUser }) => {
  test.setTimeout(120_000);
  const cluster = await registerCluster(api, adminToken, { loginHost: null, loginUser: null, loginPrivateKey: null });
  const user = await newUser();
  await mapUser(api, adminToken, cluster.id, user.id, "aicslurm2");
  const res = await api.post("/api/v1/jobs", {
    headers: bearer(user.token),
    data: { executor: "slurm", name: `paths ${uniq(3)}`, slurm: { clusterId: cluster.id, script: "#!/bin/bash\necho hi\n" } },
  });
  expect(res.status(), await res.text()).toBe(201);
  const job = (await res.json()) as { id: string };
  const runs = async () =>
    ((await (await api.get(`/api/v1/runs?jobId=${job.id}`, { headers: bearer(user.token) })).json()) as { items: { id: string; status: string }[] }).items;
  await expect.poll(async () => (await runs())[0]?.status, { timeout: 90_000 }).toBe("succeeded");
  await signIn(page, user.username, user.password);
  await page.goto(`/runs/${(await runs())[0]!.id}`);
  const paths = page.getByTestId("slurm-file-paths");
  await expect(paths).toContainText("no login node");
  await expect(paths).toContainText(".out");
});
