// Admin recharge-codes page: generate a batch (codes shown once, copied, downloaded as CSV),
// see a redemption's usage, disable one code and then the batch, each after confirming.
// Auth: an administrator in the browser; the redeeming user through the API (bearer).
import { readFile } from "node:fs/promises";
import type { Locator, Page } from "@playwright/test";
import { bearer, expect, test, uniq } from "../fixtures";
import { signIn } from "./helpers";

/** A row's cell under the column headed `header` (the table has no other way to tell ¥25.00 amount from ¥25.00 redeemed). */
async function cell(page: Page, row: Locator, header: string): Promise<Locator> {
  const headers = await page.getByRole("columnheader").allInnerTexts();
  const i = headers.findIndex((h) => h.trim() === header);
  expect(i, `column ${header} in ${headers.join(" | ")}`).toBeGreaterThanOrEqual(0);
  return row.getByRole("cell").nth(i);
}

test("an admin generates codes, sees them once, downloads them, watches usage and disables them", async ({ page, context, api, newUser, shot }) => {
  const admin = await newUser("admin");
  const redeemer = await newUser();
  const description = `Workshop ${uniq()}`;
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, admin.username, admin.password);
  await page.goto("/admin/recharge-codes");
  await expect(page.getByRole("button", { name: "Generate codes" }).first()).toBeVisible();

  await page.getByRole("button", { name: "Generate codes" }).first().click();
  const form = page.getByRole("dialog");
  await expect(form.getByLabel("Number of codes")).toHaveValue("10");
  await expect(form.getByLabel("Uses per code")).toHaveValue("1");
  await form.getByLabel("Amount per code (¥)").fill("25.001");
  await expect(form.getByText("Amount per code (¥) can have at most 2 decimal places")).toBeVisible();
  await form.getByLabel("Amount per code (¥)").fill("25");
  await expect(form.getByText("at most 2 decimal places")).toBeHidden();
  await form.getByLabel("Number of codes").fill("3");
  await expect(form.getByText("Each user can redeem a code once")).toBeVisible();
  await form.getByRole("button", { name: "Generate", exact: true }).click();
  await expect(form.getByText("Give a description")).toBeVisible();
  await form.getByLabel("Description").fill(description);
  await form.getByRole("button", { name: "Generate", exact: true }).click();

  // The codes, this once.
  const once = page.getByRole("dialog").filter({ hasText: "Codes generated: 3" });
  await expect(once.getByText("cannot be shown again")).toBeVisible();
  const codes = (await once.getByTestId("new-codes").locator("li").allInnerTexts()).map((c) => c.trim());
  expect(codes).toHaveLength(3);
  for (const c of codes) expect(c).toMatch(/^[2-9A-HJKMNP-TV-Z]{5}(-[2-9A-HJKMNP-TV-Z]{5}){3}$/);
  await shot(page, "51-codes-once");

  await once.getByRole("button", { name: "Copy all" }).click();
  await expect(page.getByText("3 codes copied to the clipboard")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(codes.join("\n"));

  const [download] = await Promise.all([page.waitForEvent("download"), once.getByRole("button", { name: "Download CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^recharge-codes-[\w-]+\.csv$/);
  const csv = (await readFile((await download.path())!, "utf8")).replace(/^\uFEFF/, "");
  const lines = csv.trim().split("\n");
  expect(lines[0]).toBe("code,amount,description,expiresAt,batchId");
  const batchId = download.suggestedFilename().replace(/^recharge-codes-|\.csv$/g, "");
  expect(lines.slice(1).sort()).toEqual(codes.map((c) => `${c},25.00,${description},,${batchId}`).sort());

  await once.locator(".ant-modal-footer").getByRole("button", { name: "Close" }).click();
  await expect(once).toBeHidden();
  await expect(page.getByText(codes[0]!)).toHaveCount(0);

  const row = page.getByRole("row", { name: new RegExp(description) });
  await expect(await cell(page, row, "Used codes")).toContainText("0 / 3");

  // A user redeems one code; the admin sees it after a reload.
  const redeem = await api.post("/api/v1/recharge/redeem", { headers: bearer(redeemer.token), data: { code: codes[0] } });
  expect(redeem.status(), await redeem.text()).toBe(200);
  await page.reload();
  await expect(await cell(page, row, "Used codes")).toContainText("1 / 3");
  await expect(await cell(page, row, "Redeemed")).toHaveText(/^¥25\.00$/);
  await expect(await cell(page, row, "Amount")).toContainText("1 use/code");
  await expect(await cell(page, row, "Status · expiry")).toContainText("Active");
  await expect(await cell(page, row, "Status · expiry")).toContainText("Never expires");
  await shot(page, "50-recharge-codes");

  // Codes drawer: the redeemed code is used up; disable another one.
  await row.getByRole("button", { name: "Codes" }).click();
  const drawer = page.getByRole("dialog", { name: `Codes of “${description}”` });
  const hint = (c: string) => `…${c.replace(/-/g, "").slice(-3)}`;
  const usedRow = drawer.getByRole("row", { name: new RegExp(hint(codes[0]!)) });
  await expect(usedRow).toContainText("Used up");
  await expect(usedRow).toContainText("1 / 1");
  await expect(usedRow.getByRole("button", { name: "Disable" })).toHaveCount(0);
  const target = drawer.getByRole("row", { name: new RegExp(hint(codes[1]!)) });
  await expect(target).toContainText("Active");
  await target.getByRole("button", { name: "Disable" }).click();
  const confirmCode = page.getByRole("dialog").filter({ hasText: `Disable the code ending in ${hint(codes[1]!).slice(1)}?` });
  await expect(confirmCode).toBeVisible();
  await confirmCode.getByRole("button", { name: "Disable" }).click();
  await expect(page.getByText("Code disabled")).toBeVisible();
  await expect(target).toContainText("Disabled");
  await expect(target.getByRole("button", { name: "Disable" })).toHaveCount(0);
  await drawer.getByLabel("Status").click();
  await page.locator(".ant-select-dropdown").getByTitle("Disabled", { exact: true }).click();
  await expect(drawer.getByRole("row", { name: /…/ })).toHaveCount(1);
  await expect(drawer.getByRole("row", { name: /…/ })).toContainText(hint(codes[1]!));
  await shot(page, "52-batch-codes");

  const refused = await api.post("/api/v1/recharge/redeem", { headers: bearer(redeemer.token), data: { code: codes[1] } });
  expect(refused.status()).toBe(422);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("RECHARGE_CODE_DISABLED");
  await drawer.getByRole("button", { name: "Close" }).click();

  // The whole batch.
  await row.getByRole("button", { name: "Disable batch" }).click();
  const confirmBatch = page.getByRole("dialog").filter({ hasText: `Disable all 3 codes of “${description}”?` });
  await confirmBatch.getByRole("button", { name: "Disable" }).click();
  await expect(page.getByText("Batch disabled")).toBeVisible();
  await expect(row).toContainText("Disabled");
  await expect(row.getByRole("button", { name: "Disable batch" })).toHaveCount(0);
  const last = await api.post("/api/v1/recharge/redeem", { headers: bearer(redeemer.token), data: { code: codes[2] } });
  expect(((await last.json()) as { error: { code: string } }).error.code).toBe("RECHARGE_CODE_DISABLED");
});
