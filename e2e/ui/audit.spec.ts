// The audit log in the browser: an administrator filters by actor and action kind, inspects
// an event (detail with secrets redacted, request id), exports what the filters show; a
// user reads their own activity on the profile; the page is for administrators only.
import { bearer, expect, test } from "../fixtures";
import { signIn, switchUser } from "./helpers";

test("an administrator filters the audit log, inspects an event and exports it; a user sees their own activity", async ({ page, api, newUser, shot }) => {
  // Two sign-ins and a dozen page loads: over a minute under the full suite on 2 cores.
  test.setTimeout(120_000);
  const admin = await newUser("admin");
  const user = await newUser();
  const h = { headers: bearer(user.token) };
  await api.post("/api/v1/users/me/tokens", { ...h, data: { name: "ci-deploy" } });
  await api.post("/api/v1/users/me/tokens", { ...h, data: { name: "laptop" } });
  expect((await api.post("/api/v1/users/me/password", { ...h, data: { currentPassword: "wrong-password", newPassword: "another-password" } })).status()).toBe(
    401,
  );

  await signIn(page, admin.username, admin.password);
  await page.goto("/admin/audit");
  await expect(page.getByTestId("audit-table")).toBeVisible();
  const actor = page.getByPlaceholder("Actor: username or ID");
  await actor.fill(user.username);
  await actor.press("Enter");
  const table = page.getByTestId("audit-table");
  // Newest first: the failed password change, the two tokens, the sign-in.
  await expect(table.locator("tbody tr.ant-table-row")).toHaveCount(4);
  await expect(table.locator("tbody tr.ant-table-row").first()).toContainText("INVALID_CREDENTIALS");

  const action = page.getByLabel("Action, e.g. instance.create");
  await action.fill("token.*");
  await action.press("Enter");
  await expect(table.locator("tbody tr.ant-table-row")).toHaveCount(2);
  await expect(page).toHaveURL(/action=token\.\*/);
  await expect(table).toContainText("laptop");
  await expect(table).toContainText("ci-deploy");
  await shot(page, "audit-filtered");

  const first = table.locator("tbody tr.ant-table-row").first();
  await first.getByRole("button", { name: /inspect/i }).click();
  const details = page.getByTestId("audit-event-details");
  await expect(details).toBeVisible();
  await expect(page.getByTestId("audit-detail-json")).toContainText("prefix");
  await expect(page.getByTestId("audit-request-id")).not.toBeEmpty();
  await shot(page, "audit-inspect");
  await page.keyboard.press("Escape");

  const href = await page.getByTestId("audit-export").getAttribute("href");
  expect(href).toContain(`actor=${user.username}`);
  const csv = await page.request.get(href!);
  expect(csv.status()).toBe(200);
  const lines = (await csv.text()).trim().split("\n");
  expect(lines).toHaveLength(3);
  expect(lines[1]).toContain("token.create");

  // A bad filter is named, and nothing else breaks.
  await page.goto("/admin/audit?action=DROP%20TABLE");
  await expect(page.getByText(/must be an action such as instance\.create/i)).toBeVisible();

  await switchUser(page, user.username, user.password);
  await page.goto("/profile");
  const mine = page.getByTestId("my-activity");
  await expect(mine).toContainText("laptop");
  await expect(mine).toContainText("INVALID_CREDENTIALS");
  await shot(page, "audit-my-activity");
  await page.goto("/admin/audit");
  await expect(page.getByTestId("audit-table")).toHaveCount(0);
});
