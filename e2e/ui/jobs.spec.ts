// Jobs in Chromium: a user makes a container job in the form and watches its run (live
// output, progress, result, cost), cancels a long one and retries it; a python job with
// arguments; a scheduled http job whose next five times and words the form shows (English
// and Chinese); an administrator looks at the queue and the workers and tags a worker.
// Runs are kept on this test's own node with a tag of its own (other tests' nodes share the
// servers).
import { execFileSync } from "node:child_process";
import type { Page } from "@playwright/test";
import { bearer, expect, test, uniq } from "../fixtures";
import { launchSetup } from "../node-fixtures";
import { signIn } from "./helpers";

type Api = import("@playwright/test").APIRequestContext;

/** This test's node, tagged so that its jobs run there and nowhere else. */
async function taggedNode(api: Api, adminToken: string) {
  const setup = await launchSetup(api, adminToken);
  const tag = `t-${uniq(4)}`;
  const res = await api.put(`/api/v1/workers/${setup.node.id}`, { headers: bearer(adminToken), data: { tags: [tag] } });
  expect(res.status(), await res.text()).toBe(200);
  return { ...setup, tag };
}

/** Picks an option of a searchable select by typing it (the list is virtual: far options are not on the page until searched). */
async function pick(page: Page, label: string, option: string) {
  const select = page.getByLabel(label, { exact: true });
  await select.click();
  await select.fill(option);
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option").filter({ hasText: option }).first().click();
}

async function fillCommon(page: Page, o: { name: string; image?: string; spec?: string; tag: string }) {
  await page.getByLabel("Name", { exact: true }).fill(o.name);
  if (o.image) await pick(page, "Image", o.image);
  if (o.spec) await pick(page, "Spec", o.spec);
  await page.getByText("Retries, timeout and placement").click();
  const tags = page.getByLabel("Node tags needed");
  await tags.fill(o.tag);
  await tags.press("Enter");
}

test("a user makes a container job, watches it run live to success with its progress, result and cost; cancels a long one and retries it", async ({
  page,
  api,
  adminToken,
  newUser,
  shot,
}) => {
  test.setTimeout(180_000);
  const { image, spec, tag } = await taggedNode(api, adminToken);
  const user = await newUser();
  await signIn(page, user.username, user.password);
  await page.goto("/jobs");
  await expect(page.getByText("No jobs yet.")).toBeVisible();
  await shot(page, "90-jobs-empty");
  await page.getByRole("link", { name: "New job" }).first().click();
  await expect(page).toHaveURL(/\/jobs\/new$/);

  const name = `train ${uniq(3)}`;
  await fillCommon(page, { name, image: image.name, spec: spec.name, tag });
  await page
    .getByLabel("Command (run with sh -c)")
    // It waits at the end until the test has seen it live (a loaded machine may take longer than
    // its six seconds to show the page), then the test lets it finish.
    .fill(
      'for i in 1 2 3 4 5 6; do echo "step $i"; echo "::progress $((i*15))"; sleep 1; done; until [ -e /tmp/go ]; do sleep 0.2; done; echo \'::result {"loss": 0.12}\'',
    );
  await page.getByLabel("Environment variables").fill("EPOCHS=3\nbad line");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByText("Line 2: write NAME=value")).toBeVisible();
  await page.getByLabel("Environment variables").fill("EPOCHS=3");
  await shot(page, "91-job-form-container");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/jobs\/[a-z0-9]+$/);
  await expect(page.getByText(name).first()).toBeVisible();

  // The run, live: output and progress while it runs.
  await page.locator("a[href^='/runs/']").first().click();
  await expect(page).toHaveURL(/\/runs\/[a-z0-9]+$/);
  await expect(page.getByTestId("run-logs")).toContainText("step 2", { timeout: 60_000 });
  await expect(page.getByText("Live")).toBeVisible();
  await expect(page.getByTestId("run-progress")).toBeVisible();
  await shot(page, "92-run-live");
  const runId = page.url().split("/").pop()!;
  const container = execFileSync("docker", ["ps", "-q", "--filter", `label=io.ai-infra-console.job-run=${runId}`])
    .toString()
    .trim();
  expect(container, "the run's container").not.toBe("");
  execFileSync("docker", ["exec", container, "touch", "/tmp/go"]);
  await expect(page.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 60_000 });
  await expect(page.getByTestId("run-result")).toContainText('"loss": 0.12');
  await expect(page.getByTestId("run-progress")).toContainText("90%");
  await expect(page.getByTestId("run-logs")).toContainText("step 6");
  await expect(page.getByTestId("run-cost")).toContainText("¥");
  await expect(page.getByTestId("run-timeline")).toContainText("Succeeded");
  await page.setViewportSize({ width: 1440, height: 900 });
  await shot(page, "93-run-succeeded-1440");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "93-run-succeeded-390");
  await page.setViewportSize({ width: 1440, height: 900 });

  // A long one: cancelled from its page, then retried as attempt 2.
  const long = await api.post("/api/v1/jobs", {
    headers: bearer(user.token),
    data: {
      executor: "container",
      name: `long ${uniq(3)}`,
      imageId: image.id,
      specId: spec.id,
      nodeTags: [tag],
      container: { command: "trap 'exit 143' TERM; echo waiting; sleep 300 & wait" },
    },
  });
  expect(long.status(), await long.text()).toBe(201);
  const longJob = (await long.json()) as { id: string };
  const runs = async () =>
    ((await (await api.get(`/api/v1/runs?jobId=${longJob.id}`, { headers: bearer(user.token) })).json()) as { items: { id: string; status: string }[] }).items;
  await expect.poll(async () => (await runs())[0]?.status, { timeout: 60_000 }).toBe("running");
  await page.goto(`/runs/${(await runs())[0]!.id}`);
  await expect(page.getByTestId("run-logs")).toContainText("waiting");
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Stop the run" }).click();
  // The confirm closes once the cancel is recorded.
  await expect(page.getByRole("dialog")).toBeHidden();
  await expect(page.getByTestId("run-status")).toHaveText(/Stopping…|Cancelled/);
  await expect(page.getByTestId("run-status")).toHaveText("Cancelled", { timeout: 30_000 });
  await expect(page.getByTestId("run-message")).toContainText(`Cancelled by ${user.username}`);
  await shot(page, "94-run-cancelled");
  await page.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByText("Attempt 2").first()).toBeVisible();
  await expect(page.getByRole("link", { name: "Attempt 1" })).toBeVisible();
  // Stop the retry too: nothing left running.
  const again = (await runs()).find((r) => r.status !== "cancelled")!;
  expect((await api.post(`/api/v1/runs/${again.id}/cancel`, { headers: bearer(user.token) })).status()).toBe(200);

  await page.goto("/jobs");
  await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("Succeeded");
  await shot(page, "95-jobs-list");
});

test("a python job with arguments runs its script", async ({ page, api, adminToken, newUser, shot }) => {
  test.setTimeout(120_000);
  const { spec, tag } = await taggedNode(api, adminToken);
  const py = await api.post("/api/v1/images", {
    headers: bearer(adminToken),
    data: { name: `python ${uniq(3)}`, address: "local/python:3", description: "Python 3" },
  });
  expect(py.status(), await py.text()).toBe(201);
  const python = (await py.json()) as { name: string };
  const user = await newUser();
  await signIn(page, user.username, user.password);
  await page.goto("/jobs/new");
  await page.getByText("Python script").click();
  await fillCommon(page, { name: `py ${uniq(3)}`, image: python.name, spec: spec.name, tag });
  await page
    .getByLabel("Script (saved with the job, read-only at /job/main.py)")
    .fill('import sys\nprint("sum", sum(int(a) for a in sys.argv[1:]))\nprint("::progress 100")');
  await page.getByLabel("Arguments").fill("20\n22");
  await shot(page, "96-job-form-python");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/jobs\/[a-z0-9]+$/);
  await page.locator("a[href^='/runs/']").first().click();
  await expect(page.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 60_000 });
  await expect(page.getByTestId("run-logs")).toContainText("sum 42");
});

test("a scheduled http job: the form shows its next five times and says it in words, in English and Chinese", async ({ page, newUser, baseURL, shot }) => {
  test.setTimeout(90_000);
  const user = await newUser();
  await signIn(page, user.username, user.password);
  await page.goto("/jobs/new");
  await page.getByText("HTTP request").click();
  await page.getByLabel("Name", { exact: true }).fill(`nightly ${uniq(3)}`);
  await page.getByLabel("URL").fill("https://example.com/hooks/nightly");
  await page.getByText("On a schedule").click();
  await page.getByLabel("Cron expression").fill("0 3 * * 1-5");
  await expect(page.getByTestId("schedule-words")).toHaveText("At 03:00, Monday through Friday");
  await expect(page.getByTestId("next-fires").locator("li")).toHaveCount(5);
  await page.getByLabel("Cron expression").fill("99 * * * *");
  await expect(page.getByText("Not a cron expression this console can read")).toBeVisible();
  await page.getByLabel("Cron expression").fill("0 3 * * 1-5");
  await shot(page, "97-job-form-schedule-en");
  // A phone: the form fits its width.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await shot(page, "97-job-form-schedule-390");
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/jobs\/[a-z0-9]+$/);
  await expect(page.getByTestId("schedule-words")).toHaveText("At 03:00, Monday through Friday");
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByText(/^nightly /).first()).toBeInViewport();
  await shot(page, "97-job-detail-390");
  await page.setViewportSize({ width: 1440, height: 900 });

  await page.context().addCookies([{ name: "locale", value: "zh-CN", url: baseURL! }]);
  await page.goto("/jobs/new");
  await page.getByText("按计划").click();
  await page.getByLabel("Cron 表达式").fill("0 3 * * 1-5");
  await expect(page.getByTestId("schedule-words")).toContainText("03:00");
  await expect(page.getByTestId("schedule-words")).toContainText("星期一");
  await page.context().addCookies([{ name: "theme", value: "dark", url: baseURL! }]);
  await page.reload();
  await page.getByText("按计划").click();
  await page.getByLabel("Cron 表达式").fill("*/15 9-17 * * *");
  await expect(page.getByTestId("next-fires").locator("li")).toHaveCount(5);
  await shot(page, "98-job-form-schedule-zh-dark");
});

test("an administrator sees the queue and the workers, and tags a worker", async ({ page, api, adminToken, newUser, shot }) => {
  test.setTimeout(90_000);
  const { node } = await launchSetup(api, adminToken);
  const admin = await newUser("admin");
  await signIn(page, admin.username, admin.password);
  await page.goto("/admin/workers");
  await expect(page.getByTestId("system-status")).toContainText("Workers online");
  const row = page.getByRole("row", { name: new RegExp(node.name) });
  await row.getByRole("button", { name: "Edit" }).click();
  const dialog = page.getByRole("dialog", { name: `Edit worker: ${node.name}` });
  await dialog.getByLabel("Job limit").fill("2");
  const tags = dialog.getByLabel("Tags");
  await tags.fill("nvme");
  await tags.press("Enter");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(row).toContainText("nvme");
  await expect(row).toContainText("0 / 2");
  await shot(page, "99-workers");
  await page.goto("/admin/queue");
  await expect(page.getByText("Node load")).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(node.name) })).toContainText("0 / 2");
  await shot(page, "99-queue");
});
