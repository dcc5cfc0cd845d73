// Hardening seen from Chromium: a paste larger than one socket.io message still reaches the
// shell whole (the terminal sends it in pieces); signing in with a hostile callbackUrl ends
// on the console, not on another site. Signed in as fresh users.
import { bearer, expect, test, uniq } from "../fixtures";
import { launchSetup, waitForStatus } from "../node-fixtures";
import { signIn } from "./helpers";

test("signing in with a callbackUrl the browser would read as another site ends on the console", async ({ page, baseURL, newUser }) => {
  const user = await newUser();
  const origin = new URL(baseURL!).origin;
  // As typed into the address bar: the browser decodes them to tab, LF, CR and "\".
  for (const callback of [
    "/%09/evil.example/x",
    "/%0a/evil.example/x",
    "/%0d/evil.example/x",
    "/%09%5Cevil.example/x",
    "/.//evil.example/x",
    "https://evil.example/x",
  ]) {
    await page.goto("about:blank"); // leave the dashboard: its polling would follow the sign-out
    await page.context().clearCookies();
    await page.goto(`/login?callbackUrl=${callback}`);
    await page.getByLabel("Username or email").fill(user.username);
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page, callback).toHaveURL(`${origin}/dashboard`);
  }
  // A path on the console is still where sign-in goes.
  await page.goto("about:blank");
  await page.context().clearCookies();
  await page.goto(`/login?callbackUrl=${encodeURIComponent("/billing?from=login")}`);
  await page.getByLabel("Username or email").fill(user.username);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${origin}/billing?from=login`);
});

test("a 200 KB paste into the web terminal arrives whole", async ({ page, api, adminToken, newUser }) => {
  test.setTimeout(120_000);
  const { node, image, spec } = await launchSetup(api, adminToken);
  const user = await newUser();
  const created = await api.post("/api/v1/instances", {
    headers: bearer(user.token),
    data: { name: `paste-${uniq(3)}`, imageId: image.id, specId: spec.id, nodeId: node.id },
  });
  const { id } = (await created.json()) as { id: string };
  await waitForStatus(api, user.token, id, "running");

  await signIn(page, user.username, user.password);
  await page.goto(`/instances/${id}?tab=terminal`);
  await expect(page.getByTestId("terminal-status").first()).toHaveText("Connected", { timeout: 15_000 });
  const screen = page.getByTestId("terminal").first();
  await screen.click();
  // No echo, so the check below reads only the shell's answer, not the paste scrolling by.
  await page.keyboard.type("stty -echo; cat > /tmp/paste; stty echo");
  await page.keyboard.press("Enter");

  const lines = Array.from({ length: 3_200 }, (_, i) => `line ${String(i).padStart(5, "0")} ${"x".repeat(52)}`);
  const text = `${lines.join("\n")}\n`;
  expect(text.length).toBeGreaterThan(200_000);
  await page.evaluate((pasted) => {
    const textarea = document.querySelector<HTMLTextAreaElement>('[data-testid="terminal"] .xterm-helper-textarea')!;
    const clipboardData = new DataTransfer();
    clipboardData.setData("text/plain", pasted);
    textarea.dispatchEvent(new ClipboardEvent("paste", { clipboardData, bubbles: true, cancelable: true }));
  }, text);
  await page.keyboard.press("Control+D");
  await page.keyboard.type("echo size=$(wc -c < /tmp/paste) last=$(tail -n 1 /tmp/paste | cut -c1-10)");
  await page.keyboard.press("Enter");
  await expect(screen.locator(".xterm-rows")).toContainText(`size=${text.length} last=line 03199`, { timeout: 30_000 });
  // The connection that carried it is still the same one.
  await expect(page.getByTestId("terminal-status").first()).toHaveText("Connected");
  expect((await api.delete(`/api/v1/instances/${id}`, { headers: bearer(user.token) })).status()).toBe(204);
});
