// Admin users page: search, deactivate with confirmation, and the effect on that user.
import { bearer, expect, test } from "../fixtures";
import { signIn } from "./helpers";

test("an admin finds a user and deactivates them after confirming", async ({ page, api, newUser, shot }) => {
  const admin = await newUser("admin");
  const target = await newUser();
  await signIn(page, admin.username, admin.password);
  await page.goto("/admin/users");
  await page.getByPlaceholder("Username, email or nickname").fill(target.username);
  await page.getByPlaceholder("Username, email or nickname").press("Enter");
  const row = page.getByRole("row", { name: new RegExp(target.username) });
  await expect(row).toBeVisible();
  await expect(page.getByText("1 in all")).toBeVisible();
  await row.getByRole("button", { name: "Deactivate" }).click();
  await expect(page.getByText(`Deactivate ${target.username}?`)).toBeVisible();
  await shot(page, "11-confirm-deactivate");
  await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
  await expect(row).toContainText("Deactivated");
  expect((await api.get("/api/v1/users/me", { headers: bearer(target.token) })).status()).toBe(401);
  await shot(page, "12-user-deactivated");
});
