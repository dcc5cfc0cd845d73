// The Webhooks page, on a console of its own (its egress allowlist opens 127.0.0.1 for the
// test's receiver; its retry schedule is seconds): a user adds an endpoint through the form
// (the server's word on a bad URL under the field), sees its secret once, sends a test event
// and watches the delivery go from a failed attempt (500) to succeeded, reads its payload and
// attempts, redelivers it, turns the endpoint off and on, rotates its secret and deletes it.
// Administrators also manage platform endpoints (node events). Auth: a user, then the admin.
import { mkdtempSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, login, steadyPage, test, uniq } from "../fixtures";
import { start } from "../process";
import { closeDialog, signIn, switchUser } from "./helpers";

/** A receiver on 127.0.0.1 that answers 500 to its first request and 204 after. */
async function flakyReceiver() {
  const got: string[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      got.push(body);
      res.writeHead(got.length === 1 ? 500 : 204);
      res.end(got.length === 1 ? "temporarily broken" : "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/hook`, got, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const shot = (page: Page, project: string, name: string) =>
  page.screenshot({ path: path.join("screenshots", project, `webhooks-${name}.png`), fullPage: true });

test("a user adds a webhook endpoint, sees its secret once, follows a test delivery through a retry, redelivers, toggles, rotates and deletes it", async ({
  browser,
  playwright,
}, testInfo) => {
  test.skip(testInfo.project.metadata.db !== "sqlite", "a console of its own; the page does not depend on the database");
  test.setTimeout(180_000);
  const c = await start({
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "aic-webhooks-ui-")),
    ADMIN_PASSWORD: "webhooks-ui-admin-pw",
    EGRESS_ALLOWLIST: "127.0.0.1/32",
    WEBHOOK_RETRY_SCHEDULE_SEC: "0,1,1,2",
  });
  const api = await playwright.request.newContext({ baseURL: c.url });
  const receiver = await flakyReceiver();
  const ctx = await browser.newContext({ baseURL: c.url });
  try {
    const admin = await login(api, "admin", "webhooks-ui-admin-pw");
    const username = `w${uniq()}`;
    const made = await api.post("/api/v1/admin/users", {
      headers: { authorization: `Bearer ${admin}` },
      data: { username, email: `${username}@example.com`, password: "user-password-1", role: "user" },
    });
    expect(made.status(), await made.text()).toBe(201);

    const page = steadyPage(await ctx.newPage());
    await signIn(page, username, "user-password-1");
    await page.getByRole("menuitem", { name: "Webhooks" }).click();
    await expect(page).toHaveURL(/\/webhooks$/);
    await page.waitForLoadState("networkidle");
    await expect(page.getByText("No webhook endpoints yet")).toBeVisible();
    await shot(page, testInfo.project.name, "empty");
    // Only administrators choose between their own and the platform's endpoints.
    await expect(page.getByTestId("webhook-scope")).toHaveCount(0);

    // The form: the server's word on a URL that is none goes under the field; no node events for a user.
    await page.getByTestId("webhook-add").click();
    const form = page.getByRole("dialog").filter({ hasText: "Add endpoint" });
    await expect(form.getByTestId("webhook-event-node.down")).toHaveCount(0);
    await form.getByTestId("webhook-url").fill("not a url");
    await form.getByTestId("webhook-description").fill("UI test receiver");
    await form.getByRole("checkbox", { name: /instance\.failed/ }).check();
    await form.getByRole("checkbox", { name: /job\.run\.failed/ }).check();
    await form.getByRole("button", { name: "Create" }).click();
    await expect(form.getByText("Must be an http or https URL")).toBeVisible();
    await shot(page, testInfo.project.name, "form");
    await form.getByTestId("webhook-url").fill(receiver.url);
    await form.getByRole("button", { name: "Create" }).click();

    // The secret, once.
    const secretModal = page.getByRole("dialog").filter({ hasText: "Endpoint added: its signing secret" });
    await expect(secretModal.getByText("it will not be shown again")).toBeVisible();
    const secret = (await secretModal.getByTestId("webhook-secret").textContent())?.trim() ?? "";
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    await shot(page, testInfo.project.name, "secret");
    await closeDialog(secretModal);
    await expect(page.getByText(secret)).toHaveCount(0);

    const row = page.getByRole("row").filter({ hasText: receiver.url });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("instance.failed");
    await expect(row).toContainText("Enabled");
    await shot(page, testInfo.project.name, "list");

    // A test event: the receiver fails the first attempt (500), the retry a second later succeeds.
    await row.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByText("Test event queued")).toBeVisible();
    await row.getByRole("button", { name: "Deliveries" }).click();
    const log = page.getByRole("dialog").filter({ hasText: "Delivery log" });
    const delivery = log.getByRole("row").filter({ hasText: "webhook.test" });
    await expect(delivery).toHaveCount(1);
    // The log refreshes itself while the delivery is pending.
    await expect(delivery.getByTestId("delivery-status")).toHaveText("Succeeded", { timeout: 30_000 });
    await expect(delivery.getByTestId("delivery-attempt-count")).toHaveText("2");
    await expect(delivery).toContainText("204");
    expect(receiver.got).toHaveLength(2);
    await shot(page, testInfo.project.name, "deliveries");

    // Its detail: the body sent and both attempts.
    await delivery.getByRole("button", { name: "View" }).click();
    const detail = page.getByRole("dialog").filter({ hasText: "Delivery: webhook.test" });
    await expect(detail.getByTestId("delivery-payload")).toContainText('"type": "webhook.test"');
    const attempts = detail.getByTestId("delivery-attempts");
    await expect(attempts.getByRole("row").filter({ hasText: "500" })).toContainText("temporarily broken");
    await expect(attempts.getByRole("row").filter({ hasText: "204" })).toHaveCount(1);
    await expect(attempts.getByRole("row").filter({ hasText: "Automatic" })).toHaveCount(2);
    // The drawer has slid all the way in.
    await expect(detail.getByTestId("delivery-redeliver")).toBeInViewport({ ratio: 1 });
    await shot(page, testInfo.project.name, "delivery");

    // Redelivered now: the answer says how it went, and the attempt joins the list.
    await detail.getByTestId("delivery-redeliver").click();
    await expect(detail.getByTestId("delivery-redeliver-outcome")).toContainText("Redelivered: the receiver answered 204");
    await expect(attempts.getByRole("row").filter({ hasText: "Redelivery" })).toHaveCount(1);
    expect(receiver.got).toHaveLength(3);
    await closeDialog(detail);
    await expect(delivery.getByTestId("delivery-attempt-count")).toHaveText("3");
    await closeDialog(log);

    // Off and on again.
    await row.getByRole("switch").click();
    await expect(page.getByText("Endpoint disabled")).toBeVisible();
    await expect(row).toContainText("Disabled");
    await expect(row.getByRole("button", { name: "Send test event" })).toBeDisabled();
    await row.getByRole("switch").click();
    await expect(page.getByText("Endpoint enabled")).toBeVisible();
    await expect(row.getByRole("button", { name: "Send test event" })).toBeEnabled();

    // A new secret, once; the old one signs for another day.
    await row.getByRole("button", { name: "More actions" }).click();
    await page.getByRole("menuitem", { name: "Rotate secret" }).click();
    const rotateConfirm = page.getByRole("dialog").filter({ hasText: "Rotate the signing secret?" });
    await expect(rotateConfirm).toContainText("keeps signing for 24 hours");
    await rotateConfirm.getByRole("button", { name: "Rotate secret" }).click();
    const rotated = page.getByRole("dialog").filter({ hasText: "The new signing secret" });
    const newSecret = (await rotated.getByTestId("webhook-secret").textContent())?.trim() ?? "";
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(secret);
    await closeDialog(rotated);
    await expect(row).toContainText("The old secret also signs until");

    // In Chinese.
    await page.getByText("简体中文").click();
    await expect(page.locator(".ant-card-head-title").getByText("Webhook", { exact: true })).toBeVisible();
    await expect(page.getByRole("button", { name: "添加端点" })).toBeVisible();
    await expect(row.getByRole("button", { name: "投递记录" })).toBeVisible();
    await expect(row).toContainText("已启用");
    await shot(page, testInfo.project.name, "list-zh");
    await page.getByText("English", { exact: true }).click();
    await expect(page.getByRole("button", { name: "Add endpoint" })).toBeVisible();

    // Deleted, after a confirmation.
    await row.getByRole("button", { name: "More actions" }).click();
    await page.getByRole("menuitem", { name: "Delete" }).click();
    const deleteConfirm = page.getByRole("dialog").filter({ hasText: "Delete this endpoint?" });
    await expect(deleteConfirm).toContainText(receiver.url);
    await deleteConfirm.getByRole("button", { name: "Delete" }).click();
    await expect(row).toHaveCount(0);
    await expect(page.getByText("No webhook endpoints yet")).toBeVisible();

    // An administrator's platform endpoints take the nodes' events too.
    await switchUser(page, "admin", "webhooks-ui-admin-pw");
    await page.goto("/webhooks?scope=platform");
    await page.waitForLoadState("networkidle");
    await expect(page.getByTestId("webhook-scope")).toBeVisible();
    await expect(page.getByText("No platform endpoints yet")).toBeVisible();
    await page.getByTestId("webhook-add").click();
    const platformForm = page.getByRole("dialog").filter({ hasText: "Add platform endpoint" });
    await expect(platformForm.getByTestId("webhook-event-node.down")).toBeVisible();
    await shot(page, testInfo.project.name, "platform-form");
    await closeDialog(platformForm);
    await page.getByTestId("webhook-scope").getByText("My endpoints").click();
    await expect(page).toHaveURL(/\/webhooks$/);
    await expect(page.getByText("No webhook endpoints yet")).toBeVisible();
  } finally {
    await ctx.close();
    await api.dispose();
    await receiver.close();
    await c.stop();
  }
});
