// Forms in Chromium: number fields keep what was typed and name what is wrong with it (never
// rounded or clamped behind the user's back), the server's validation answers land under
// their fields with a plain toast, toasts stay clear of drawer titles, registration fills
// in the sign-in form, /favicon.ico answers, and catalog cards name an image's source and
// tag. Auth: admins and users created per test (browser sessions); favicon signed out.
import type { Locator, Page } from "@playwright/test";
import { bearer, expect, test, uniq } from "../fixtures";
import { freshRegistryImage } from "../node-fixtures";
import { closeDialog, signIn } from "./helpers";

/** Types into a number field, leaves it, and expects `error` under it with the text left as typed. */
async function refused(scope: Locator, label: string, typed: string, error: string) {
  const field = scope.getByLabel(label, { exact: true });
  await field.fill(typed);
  await field.blur();
  await expect(scope.getByText(error, { exact: true })).toBeVisible();
  await expect(field).toHaveValue(typed);
}

const setLocale = (page: Page, baseURL: string | undefined, locale: "zh-CN" | "en-US") =>
  page.context().addCookies([{ name: "locale", value: locale, url: baseURL! }]);

test("the spec form refuses 1.5, -4 and abc GPUs with a message and keeps what was typed", async ({ page, api, newUser, shot }) => {
  // Several pages and dialogs in one test: slow on a busy machine next to the parallel tests.
  test.setTimeout(120_000);
  const admin = await newUser("admin");
  const name = `numbers ${uniq(3)}`;
  await signIn(page, admin.username, admin.password);
  await page.goto("/admin/specs");
  await page.getByRole("button", { name: "New spec" }).click();
  const drawer = page.getByRole("dialog", { name: "New spec" });
  await drawer.getByLabel("Name", { exact: true }).fill(name);

  await refused(drawer, "GPUs", "1.5", "GPUs must be a whole number");
  await refused(drawer, "GPUs", "-4", "GPUs must be at least 0");
  await refused(drawer, "GPUs", "abc", "GPUs must be a number");
  await refused(drawer, "CPU cores", "0", "CPU cores must be at least 1");
  await refused(drawer, "Price per hour (¥)", "12.345", "Price per hour (¥) can have at most 2 decimal places");
  // Limits in the form's own units and words (yuan, not the API's cents).
  await refused(drawer, "CPU cores", "100000", "CPU cores must be at most 1,024");
  await refused(drawer, "Price per hour (¥)", "99999999999", "Price per hour (¥) must be at most 1,000,000");
  await drawer.getByRole("button", { name: "Create" }).click();
  await expect(drawer).toBeVisible();
  await expect(drawer.getByLabel("GPUs", { exact: true })).toHaveValue("abc");
  await shot(page, "60-spec-form-numbers");
  const listed = await api.get(`/api/v1/specs?name=${encodeURIComponent(name)}`, { headers: bearer(admin.token) });
  expect(((await listed.json()) as { total: number }).total).toBe(0);

  // Corrected, it saves exactly what was typed.
  await drawer.getByLabel("GPUs", { exact: true }).fill("0");
  await drawer.getByLabel("CPU cores", { exact: true }).fill("2");
  await drawer.getByLabel("Price per hour (¥)", { exact: true }).fill("12.34");
  await expect(drawer.getByText(/must be/)).toHaveCount(0);
  await drawer.getByRole("button", { name: "Create" }).click();
  await expect(drawer).toBeHidden();
  const saved = (await (await api.get(`/api/v1/specs?name=${encodeURIComponent(name)}`, { headers: bearer(admin.token) })).json()) as {
    items: { gpuCount: number; cpuCores: number; pricePerHourCents: number }[];
  };
  expect(saved.items).toEqual([expect.objectContaining({ gpuCount: 0, cpuCores: 2, pricePerHourCents: 1234 })]);
});

test("recharge codes, balance adjustments and token expiry refuse bad numbers the same way", async ({ page, api, newUser }) => {
  // Several pages and dialogs in one test: slow on a busy machine next to the parallel tests.
  test.setTimeout(120_000);
  const admin = await newUser("admin");
  const other = await newUser();
  await signIn(page, admin.username, admin.password);

  await page.goto("/admin/recharge-codes");
  await page.getByRole("button", { name: "Generate codes" }).first().click();
  const generate = page.getByRole("dialog", { name: "Generate codes" });
  await refused(generate, "Number of codes", "1.5", "Number of codes must be a whole number");
  await refused(generate, "Number of codes", "2000", "Number of codes must be at most 1,000");
  await refused(generate, "Amount per code (¥)", "abc", "Amount per code (¥) must be a number");
  await refused(generate, "Uses per code", "-1", "Uses per code must be at least 1");
  await generate.getByRole("button", { name: "Cancel" }).click();

  await page.goto("/admin/users");
  await page.getByPlaceholder("Username, email or nickname").fill(other.username);
  await page.getByPlaceholder("Username, email or nickname").press("Enter");
  await page.getByTestId(`balance-${other.username}`).click();
  await page.getByRole("button", { name: "Adjust balance" }).click();
  const adjust = page.getByRole("dialog", { name: "Adjust balance" });
  await refused(adjust, "Amount (¥, negative to debit)", "1.005", "Amount (¥, negative to debit) can have at most 2 decimal places");
  await refused(adjust, "Amount (¥, negative to debit)", "0", "Enter a non-zero amount");
  await refused(adjust, "Amount (¥, negative to debit)", "ten", "Amount (¥, negative to debit) must be a number");
  await adjust.getByLabel("Reason").fill("should not happen");
  await adjust.getByRole("button", { name: "Save" }).click();
  await expect(adjust).toBeVisible();
  const ledger = await api.get(`/api/v1/billing/ledger?userId=${other.id}`, { headers: bearer(admin.token) });
  expect(((await ledger.json()) as { total: number }).total).toBe(1); // only the test funds
  await adjust.getByRole("button", { name: "Cancel" }).click();

  await page.goto("/profile");
  await page.getByRole("button", { name: "New token" }).click();
  const token = page.getByRole("dialog", { name: "New token" });
  await token.getByLabel("Name", { exact: true }).fill("numbers");
  await refused(token, "Expires in (days)", "7.5", "Expires in (days) must be a whole number");
  await refused(token, "Expires in (days)", "3651", "Expires in (days) must be at most 3,650");
  await refused(token, "Expires in (days)", "0", "Expires in (days) must be at least 1");
  await token.getByRole("button", { name: "Create" }).click();
  await expect(token).toBeVisible();
  expect(((await (await api.get("/api/v1/users/me/tokens", { headers: bearer(admin.token) })).json()) as { items: unknown[] }).items).toHaveLength(0);
});

test("a refusal by the server goes under its field, and the toast says so plainly (en-US and zh-CN)", async ({ page, newUser, baseURL, shot }) => {
  // Several pages and dialogs in one test: slow on a busy machine next to the parallel tests.
  test.setTimeout(120_000);
  const admin = await newUser("admin");
  await signIn(page, admin.username, admin.password);
  const tooLong = "x".repeat(129); // the form asks for 8 or more; the server allows at most 128
  for (const [locale, button, create, fieldError, toast] of [
    ["en-US", "New user", "Create", "Must be at most 128 characters", "Some fields need correcting: see the messages under them."],
    ["zh-CN", "新建用户", /^创\s?建$/, "最多 128 个字符", "部分字段需要修改，请查看字段下方的提示。"],
  ] as const) {
    await setLocale(page, baseURL, locale);
    await page.goto("/admin/users");
    await page.getByRole("button", { name: button }).click();
    const dialog = page.getByRole("dialog");
    const username = `v${uniq()}`;
    await dialog.locator("#username").fill(username);
    await dialog.locator("#email").fill(`${username}@example.com`);
    await dialog.locator("#password").fill(tooLong);
    await dialog.getByRole("button", { name: create }).click();
    await expect(dialog.getByText(fieldError)).toBeVisible();
    await expect(page.locator(".ant-message")).toContainText(toast);
    await expect(page.getByText(/Invalid body/)).toHaveCount(0);
    await shot(page, `61-server-validation-${locale}`);
    await closeDialog(dialog);
  }
});

test("toasts stay clear of a drawer's title and close button, on phones too", async ({ page, api, newUser, shot }) => {
  // Several pages and dialogs in one test: slow on a busy machine next to the parallel tests.
  test.setTimeout(120_000);
  const admin = await newUser("admin");
  const name = `taken ${uniq(3)}`;
  const made = await api.post("/api/v1/specs", { headers: bearer(admin.token), data: { name, cpuCores: 1, memoryGb: 1, pricePerHourCents: 100 } });
  expect(made.status()).toBe(201);
  await signIn(page, admin.username, admin.password);
  for (const width of [390, 1440]) {
    await page.setViewportSize({ width, height: 844 });
    await page.goto("/admin/specs");
    await page.getByRole("button", { name: "New spec" }).click();
    const drawer = page.getByRole("dialog", { name: "New spec" });
    await drawer.getByLabel("Name", { exact: true }).fill(name);
    await drawer.getByRole("button", { name: "Create" }).click();
    const toast = page.locator(".ant-message-notice").filter({ hasText: "exists" });
    await expect(toast).toBeVisible();
    const header = (await page.locator(".ant-drawer-header").boundingBox())!;
    // Where the toast settles once it has slid in.
    await expect
      .poll(async () => (await toast.boundingBox())?.y ?? 0, { message: "toast below the drawer's header" })
      .toBeGreaterThanOrEqual(header.y + header.height);
    await expect(drawer.getByRole("button", { name: "Close" })).toBeInViewport();
    await shot(page, `62-toast-below-drawer-title-${width}`);
    await drawer.getByRole("button", { name: "Close" }).click();
  }
});

test("signed out, /favicon.ico is an icon", async ({ page }) => {
  const res = await page.request.get("/favicon.ico", { maxRedirects: 0 });
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toMatch(/^image\//);
  const body = await res.body();
  expect([...body.subarray(0, 4)]).toEqual([0, 0, 1, 0]); // an ICO header
});

test("catalog cards show where an image comes from and its tag", async ({ page, api, adminToken, newUser, shot }) => {
  const user = await newUser();
  const tag = uniq(3);
  const registry = freshRegistryImage();
  const images = [
    { name: `Registry ${tag}`, address: registry, source: "Team registry" },
    { name: `Untagged ${tag}`, address: "local/busybox" },
  ];
  for (const data of images) {
    const res = await api.post("/api/v1/images", { headers: bearer(adminToken), data });
    expect(res.status(), await res.text()).toBe(201);
  }
  await signIn(page, user.username, user.password);
  await page.goto("/catalog");
  const pushed = page.getByTestId(`image-card-Registry ${tag}`);
  await expect(pushed.getByTestId("image-source")).toContainText("Source: 127.0.0.1:5000/aic/e2e · Team registry");
  await expect(pushed.getByTestId("image-tag")).toHaveText(`Tag: ${registry.split(":").pop()}`);
  const untagged = page.getByTestId(`image-card-Untagged ${tag}`);
  await expect(untagged.getByTestId("image-source")).toContainText("Source: docker.io/local/busybox");
  await expect(untagged.getByTestId("image-tag")).toHaveText("Tag: latest");
  await expect(page.getByText("Source: —")).toHaveCount(0);
  await untagged.scrollIntoViewIfNeeded();
  await shot(page, "63-catalog-image-source");
});
