// Billing in Chromium: a user with no money sees that the launch needs more, redeems a code
// on the billing page and sees the ledger; a small balance with an instance running shows
// the low-balance banner with the time left; an administrator adjusts a user's balance from
// the users page and sees platform stats and revenue charts on the dashboard.
import { bearer, expect, test, uniq } from "../fixtures";
import { launchRunning, launchSetup } from "../node-fixtures";
import { signIn, switchUser } from "./helpers";

test("a user without money tops up with a code and reads the ledger", async ({ page, api, adminToken, newUser, shot }) => {
  test.setTimeout(90_000);
  const { spec } = await launchSetup(api, adminToken);
  const created = await api.post("/api/v1/recharge/codes", {
    headers: bearer(adminToken),
    data: { amountCents: 5_000, count: 1, description: `ui ${uniq(3)}` },
  });
  const code = ((await created.json()) as { codes: string[] }).codes[0]!;
  const user = await newUser("user", { balanceCents: 0 });

  await signIn(page, user.username, user.password);
  await page.goto("/instances/new");
  await page.getByTestId(`spec-choice-${spec.name}`).click();
  await expect(page.getByTestId("launch-affordability")).toContainText("is below the ¥1.20 this needs");

  await page.goto("/billing");
  await expect(page.getByTestId("billing-balance")).toContainText("¥0.00");
  // Nothing can be launched at zero: the banner says so, with the way out.
  await expect(page.getByTestId("low-balance")).toContainText("Your balance is ¥0.00. Top up to launch or start instances.");
  // The page opens on usage (none yet); the ledger is the next tab.
  await expect(page.getByText("No usage in this period")).toBeVisible();
  await page.getByRole("tab", { name: "Ledger" }).click();
  await expect(page.getByText("No entries yet")).toBeVisible();
  // A wrong code: the field says why, nothing changes.
  await page.getByLabel("Recharge code").fill("22222-22222-22222-22222");
  await page.getByRole("button", { name: "Redeem" }).click();
  await expect(page.getByText("This code does not exist. Check it and try again.")).toBeVisible();
  await page.getByLabel("Recharge code").fill(code.toLowerCase());
  await page.getByRole("button", { name: "Redeem" }).click();
  await expect(page.getByText("¥50.00 added. Balance: ¥50.00")).toBeVisible();
  await expect(page.getByTestId("billing-balance")).toContainText("¥50.00");
  await expect(page.getByTestId("low-balance")).toHaveCount(0);
  await expect(page.getByRole("row", { name: /Recharge/ })).toContainText("+¥50.00");
  await expect(page.getByRole("row", { name: /Recharge/ })).toContainText(`Recharge code …${code.slice(-3)} (`);
  const exportHref = await page.getByTestId("ledger-export").getAttribute("href");
  const csv = await page.request.get(exportHref!);
  expect(await csv.text()).toContain(",recharge,5000,5000,");
  await shot(page, "55-billing");
  await page.getByRole("tab", { name: "Redeemed codes" }).click();
  await expect(page.getByText(`…${code.slice(-3)}`, { exact: true })).toBeVisible();

  await page.goto("/instances/new");
  await page.getByTestId(`spec-choice-${spec.name}`).click();
  await expect(page.getByTestId("launch-affordability")).toHaveText("Your balance (¥50.00) buys about 1 d 17 h of this spec.");
});

test("a small balance shows the banner with the time left; an admin adjusts it and sees the platform", async ({ page, api, adminToken, newUser, shot }) => {
  test.setTimeout(120_000);
  const { node, image, spec } = await launchSetup(api, adminToken);
  // ¥2.00 at ¥1.20/h: 1 h 40 min, under the e2e servers' 2-hour warning threshold.
  const user = await newUser("user", { balanceCents: 200 });
  const name = `tight-${uniq(3)}`;
  await launchRunning(api, user.token, { name, imageId: image.id, specId: spec.id, nodeId: node.id });

  await signIn(page, user.username, user.password);
  // (A minute's charge may land meanwhile: 1 h 39 min.)
  await expect(page.getByTestId("low-balance")).toContainText(/lasts about 1 h (40|39) min at the current rate of ¥1\.20\/h/);
  await expect(page.getByTestId("dashboard-runway")).toContainText(/Lasts about 1 h (40|39) min at ¥1\.20\/h/);
  await shot(page, "56-low-balance");

  const admin = await newUser("admin");
  await switchUser(page, admin.username, admin.password);
  await page.goto("/admin/users");
  await page.getByPlaceholder("Username, email or nickname").fill(user.username);
  await page.getByPlaceholder("Username, email or nickname").press("Enter");
  await page.getByTestId(`balance-${user.username}`).click();
  await page.getByRole("button", { name: "Adjust balance" }).click();
  await page.getByLabel("Amount (¥, negative to debit)").fill("10");
  await page.getByLabel("Reason").fill("compensation for downtime");
  await page
    .getByRole("dialog", { name: "Adjust balance" })
    .getByRole("button", { name: /save|ok/i })
    .click();
  // ¥2.00 + ¥10.00, less a minute's ¥0.02 if the meter charged meanwhile.
  await expect(page.getByTestId("user-balance")).toContainText(/¥(12\.00|11\.98)/);
  await expect(page.getByRole("row", { name: /compensation for downtime/ })).toContainText("+¥10.00");
  await shot(page, "57-user-ledger");

  await page.goto("/dashboard");
  await expect(page.getByTestId("platform-users")).toBeVisible();
  await expect.poll(async () => Number(await page.getByTestId("revenue-by-day").getAttribute("data-points"))).toBeGreaterThanOrEqual(1);
  await page.getByTestId("revenue-by-day").scrollIntoViewIfNeeded();
  await shot(page, "58-admin-platform");
});
