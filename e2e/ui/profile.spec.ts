// Profile in the browser: API token created (secret shown once) and revoked; password change.
import { bearer, expect, test } from "../fixtures";
import { signIn } from "./helpers";

test("create an API token, see it once, use it, revoke it", async ({ page, api, newUser, shot }) => {
  const u = await newUser();
  await signIn(page, u.username, u.password);
  await page.goto("/profile");
  await expect(page.getByText("No API tokens yet")).toBeVisible();
  await page.getByRole("button", { name: "New token" }).click();
  await page.getByLabel("Name", { exact: true }).fill("laptop");
  await page.getByLabel("Expires in (days)").fill("30");
  await page.getByRole("button", { name: "Create" }).click();
  const secret = ((await page.getByTestId("new-token").textContent()) ?? "").trim();
  expect(secret).toMatch(/^aic_[\w-]{43}$/);
  await shot(page, "09-token-created");
  expect((await api.get("/api/v1/users/me", { headers: bearer(secret) })).status()).toBe(200);
  await page.locator(".ant-modal-footer").getByRole("button", { name: "Close" }).click();

  const row = page.getByRole("row", { name: /laptop/ });
  await expect(row).toContainText(secret.slice(0, 12));
  await expect(row).toContainText("Active");
  await expect(page.getByText(secret)).toHaveCount(0);
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByText("Revoke token “laptop”?")).toBeVisible();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("Revoked");
  await shot(page, "10-token-revoked");
  expect((await api.get("/api/v1/users/me", { headers: bearer(secret) })).status()).toBe(401);
});

test("change the password in the browser and stay signed in", async ({ page, api, newUser }) => {
  const u = await newUser();
  await signIn(page, u.username, u.password);
  await page.goto("/profile");
  await page.getByLabel("Current password").fill(u.password);
  await page.getByLabel("New password").fill("changed-in-browser");
  await page.getByLabel("Confirm password").fill("changed-in-browser");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed.")).toBeVisible();
  await page.reload();
  await expect(page).toHaveURL(/\/profile$/);
  expect((await api.get("/api/v1/users/me", { headers: bearer(u.token) })).status()).toBe(401);
  expect((await api.post("/api/v1/auth/login", { data: { username: u.username, password: "changed-in-browser" } })).status()).toBe(200);
});
