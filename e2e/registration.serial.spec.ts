// Turning self-registration off (a console-wide setting, so this runs alone, after the rest).
import { bearer, expect, test, uniq } from "./fixtures";
import { signIn } from "./ui/helpers";

test("an admin turns registration off: the API answers 403 and the page says so", async ({ page, api, adminToken, newUser, shot }) => {
  const off = await api.patch("/api/v1/admin/settings", { headers: bearer(adminToken), data: { registrationEnabled: false } });
  expect(await off.json()).toMatchObject({ registrationEnabled: false, maxRunningJobsPerUser: expect.any(Number), egressAllowlist: expect.any(Array) });
  try {
    const res = await api.post("/api/v1/auth/register", { data: { username: `n${uniq()}`, email: `n${uniq()}@example.com`, password: "long-password" } });
    expect(res.status()).toBe(403);
    expect((await res.json()).error.code).toBe("REGISTRATION_DISABLED");
    await page.goto("/register");
    await expect(page.getByText("Registration is turned off.")).toBeVisible();
    await page.goto("/login");
    await expect(page.getByRole("link", { name: "Create account" })).toHaveCount(0);
    await shot(page, "13-registration-off");
    // Admins can still create accounts.
    const u = await newUser();
    expect(u.id).toBeTruthy();
  } finally {
    await api.patch("/api/v1/admin/settings", { headers: bearer(adminToken), data: { registrationEnabled: true } });
  }
});

test("the registration switch on the users page", async ({ page, api, newUser }) => {
  const admin = await newUser("admin");
  await signIn(page, admin.username, admin.password);
  await page.goto("/admin/users");
  const toggle = page.getByRole("switch", { name: "Self-registration" });
  await expect(toggle).toBeChecked();
  await toggle.click();
  await expect(toggle).not.toBeChecked();
  expect((await (await api.get("/api/v1/auth/config")).json()).registrationEnabled).toBe(false);
  await toggle.click();
  await expect(toggle).toBeChecked();
  expect((await (await api.get("/api/v1/auth/config")).json()).registrationEnabled).toBe(true);
});
