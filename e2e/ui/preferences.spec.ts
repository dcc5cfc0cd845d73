// Language (zh-CN / en-US, antd's locale included), theme and reduced-motion preferences.
import { expect, steadyPage, test } from "../fixtures";
import { signIn } from "./helpers";

test("switch language to 中文 and back; the choice survives a reload", async ({ page, newUser, shot }) => {
  const u = await newUser();
  await signIn(page, u.username, u.password);
  await page.getByText("简体中文").click();
  await expect(page.getByRole("menuitem", { name: "概览" })).toBeVisible();
  await expect(page.getByText(`欢迎，${u.username}`)).toBeVisible();
  await page.reload();
  await expect(page.getByRole("menuitem", { name: "实例" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await shot(page, "06-dashboard-zh");
  await page.goto("/profile");
  await expect(page.getByRole("button", { name: "新建令牌" })).toBeVisible();
  await shot(page, "07-profile-zh");
  await page.getByText("English").click();
  await expect(page.getByRole("menuitem", { name: "Dashboard" })).toBeVisible();
});

test("the language follows the browser until chosen", async ({ browser, baseURL }) => {
  const ctx = await browser.newContext({ baseURL, locale: "zh-CN" });
  const page = steadyPage(await ctx.newPage());
  await page.goto("/login");
  // antd puts a space between two CJK characters on buttons.
  await expect(page.getByRole("button", { name: /^登\s?录$/ })).toBeVisible();
  await expect(page.getByLabel("用户名或邮箱")).toBeVisible();
  await ctx.close();
});

test("dark theme", async ({ page, newUser, shot }) => {
  const u = await newUser();
  await signIn(page, u.username, u.password);
  await page.getByRole("button", { name: "Theme" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await shot(page, "08-dark");
});

test("a browser that asks for less motion gets no animations, and popovers still open in view", async ({ page, newUser }) => {
  const u = await newUser();
  const animation = () => page.getByRole("button", { name: "Sign in" }).evaluate((el) => getComputedStyle(el).animationDuration);
  await page.emulateMedia({ reducedMotion: "no-preference" });
  await page.goto("/login");
  await expect.poll(animation).toBe("0s");
  await page.emulateMedia({ reducedMotion: "reduce" });
  await expect.poll(animation).toBe("1e-05s");

  // antd places a popover when its opening transition ends: cutting transitions left it off-screen.
  await signIn(page, u.username, u.password);
  await page.getByTestId("notification-bell").click();
  const panel = page.getByTestId("notification-panel");
  await expect(panel).toBeInViewport();
});
