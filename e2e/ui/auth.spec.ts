// Browser flows in Debian's Chromium: sign in, register, sign out, admin-only pages.
import { ADMIN, bearer, expect, test, uniq } from "../fixtures";
import { signIn } from "./helpers";

test("the admin signs in, sees the admin menu and the users page", async ({ page, shot }) => {
  await page.goto("/admin/users");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fadmin%2Fusers/);
  await shot(page, "01-login");
  await page.getByLabel("Username or email").fill(ADMIN.username);
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole("heading", { name: "Users" }).or(page.getByText("Users", { exact: true }).first())).toBeVisible();
  await page.getByPlaceholder("Username, email or nickname").fill("admin@console.local");
  await page.getByPlaceholder("Username, email or nickname").press("Enter");
  const me = page.getByRole("row", { name: /admin@console\.local/ });
  await expect(me).toContainText("you");
  await expect(me).toContainText("Admin");
  await expect(page.getByRole("menuitem", { name: "Nodes" })).toBeVisible();
  await shot(page, "02-admin-users");
});

test("a wrong password shows an error and stays on the sign-in page", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Username or email").fill(`nobody${uniq()}`);
  await page.getByLabel("Password", { exact: true }).fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong username or password" })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});

test("a visitor registers, signs in, and cannot open admin pages or APIs", async ({ page, api, shot }) => {
  const username = `ui${uniq()}`;
  const password = "ui-password-1";
  await page.goto("/login");
  await page.getByRole("link", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/register$/);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Email").fill(`${username}@example.com`);
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Confirm password").fill("other");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("At least 8 characters").last()).toBeVisible();
  await expect(page.getByText("The two passwords differ")).toBeVisible();
  await shot(page, "03-register-validation");
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Confirm password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/login\?registered=1/);
  await expect(page.getByText("Account created. Sign in to continue.")).toBeVisible();

  // The new username is filled in; only the password is left to type.
  await expect(page.getByLabel("Username or email")).toHaveValue(username);
  await expect(page.getByLabel("Password", { exact: true })).toBeFocused();
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText(`Welcome, ${username}`)).toBeVisible();
  await expect(page.getByRole("menuitem", { name: "Nodes" })).toHaveCount(0);
  await shot(page, "04-user-dashboard");

  await page.goto("/admin/users");
  await expect(page.getByText("This page is for administrators.")).toBeVisible();
  await shot(page, "05-user-forbidden");

  const token = (await (await api.post("/api/v1/auth/login", { data: { username, password } })).json()).token;
  expect((await api.get("/api/v1/admin/users", { headers: bearer(token) })).status()).toBe(403);
  // The browser's own session gets 403 from admin APIs too.
  const viaCookie = await page.request.get("/api/v1/admin/users");
  expect(viaCookie.status()).toBe(403);
});

test("signing out ends the session, on the server too: a copy of the cookie stops working", async ({ page, api, baseURL, newUser }) => {
  const u = await newUser();
  await signIn(page, u.username, u.password);
  const cookie = (await page.context().cookies()).find((c) => c.name.endsWith("aic.session"))!;
  const withCopy = { headers: { cookie: `${cookie.name}=${cookie.value}`, origin: baseURL! } };
  expect((await api.get("/api/v1/users/me", withCopy)).status()).toBe(200);
  await page.getByTestId("user-menu").click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login/);
  const after = await api.get("/api/v1/users/me", withCopy);
  expect(after.status()).toBe(401);
  expect((await after.json()).error.message).toBe("Signed out; sign in again");
});

test("a session revoked elsewhere sends the browser back to sign-in", async ({ page, api, newUser }) => {
  const u = await newUser();
  await signIn(page, u.username, u.password);
  await api.post("/api/v1/users/me/password", { headers: bearer(u.token), data: { currentPassword: u.password, newPassword: "changed-elsewhere" } });
  // The open page may already be on its way to sign-in (its sockets were closed): that
  // navigation then supersedes this one.
  await page.goto("/profile").catch((err: Error) => {
    if (!err.message.includes("ERR_ABORTED")) throw err;
  });
  await expect(page).toHaveURL(/\/login\?reason=session/);
  await expect(page.getByText("Your session ended. Please sign in again.")).toBeVisible();
});
