import { expect, type Locator, type Page } from "@playwright/test";
import { cookieSignIn } from "../fixtures";

/**
 * Signs in the way the sign-in form does (next-auth's credentials callback, through the page's
 * own cookie jar), then opens the dashboard where the form would have landed. The form itself is
 * walked in auth.spec.ts and hardening.spec.ts; here it would cost every test a page load.
 */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await cookieSignIn(page.request, username, password);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/dashboard$/);
}

/**
 * Signs out (drops the cookies) and in as someone else. The open page is left first: its
 * polling would otherwise send the signed-out page to /login with a way back to it.
 */
export async function switchUser(page: Page, username: string, password: string): Promise<void> {
  await page.goto("about:blank");
  await page.context().clearCookies();
  await signIn(page, username, password);
}

/**
 * Closes a drawer or modal with its Close button and waits until it is gone. Escape works
 * only while the focus is inside the dialog, which a busy page does not always keep.
 */
export async function closeDialog(dialog: Locator): Promise<void> {
  await dialog
    .getByRole("button", { name: /^(Close|关闭)$/ })
    .first()
    .click();
  await expect(dialog).toBeHidden();
}
