import { expect, type Locator, type Page } from "@playwright/test";

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  // Typing before the form is hydrated would be lost to a native submit (a reload) on a busy machine.
  await page.goto("/login", { waitUntil: "networkidle" });
  await page.getByLabel("Username or email").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // The dashboard's first render after sign-in (its server components, then its scripts) is the
  // slowest page load of a test: on 2 cores under the full suite it has taken over 10 s.
  await expect(page).toHaveURL(/\/dashboard$/, { timeout: 30_000 });
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
