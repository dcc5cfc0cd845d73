// Hardening seen from Chromium: a paste larger than one socket.io message still reaches the
// shell whole (the terminal sends it in pieces); signing in with a hostile callbackUrl ends
// on the console, not on another site; pages carry a nonce-based Content-Security-Policy
// that blocks injected script and breaks nothing of ours. Signed in as fresh users.
import { bearer, expect, test, uniq } from "../fixtures";
import { launchSetup, waitForStatus } from "../node-fixtures";
import { signIn } from "./helpers";

type Violation = { directive: string; blocked: string; page: string };

/** Collects CSP violations (the DOM event and Chromium's console report) and console errors. */
async function watchCsp(page: import("@playwright/test").Page) {
  const violations: Violation[] = [];
  const errors: string[] = [];
  await page.exposeFunction("__reportCsp", (v: Violation) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __reportCsp: (v: Violation) => void }).__reportCsp({
        directive: e.violatedDirective,
        blocked: e.blockedURI,
        page: location.pathname,
      });
    });
  });
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`${new URL(page.url()).pathname}: ${m.text()}`);
  });
  return { violations, errors };
}

test("pages carry a nonce-based CSP; sign-in, dashboard, an instance's terminal and charts, and the API docs work under it", async ({
  page,
  api,
  adminToken,
  newUser,
}) => {
  test.setTimeout(120_000);
  const { node, image, spec } = await launchSetup(api, adminToken);
  const user = await newUser();
  const created = await api.post("/api/v1/instances", {
    headers: bearer(user.token),
    data: { name: `csp-${uniq(3)}`, imageId: image.id, specId: spec.id, nodeId: node.id },
  });
  const { id } = (await created.json()) as { id: string };
  await waitForStatus(api, user.token, id, "running");
  const { violations, errors } = await watchCsp(page);

  const login = await page.goto("/login");
  const csp = login!.headers()["content-security-policy"] ?? "";
  const scriptSrc = /script-src ([^;]+)/.exec(csp)?.[1] ?? "";
  expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
  expect(scriptSrc).not.toContain("unsafe-inline");
  for (const d of ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "form-action 'self'"]) expect(csp).toContain(d);
  // A new nonce each time, and every script Next.js renders carries it.
  const again = await api.get("/login");
  const nonce = /'nonce-([^']+)'/.exec(again.headers()["content-security-policy"] ?? "")?.[1];
  expect(nonce).toBeTruthy();
  expect(nonce).not.toBe(/'nonce-([^']+)'/.exec(csp)?.[1]);
  const html = await again.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

  await signIn(page, user.username, user.password);
  await expect(page.getByText(`csp-`).first()).toBeVisible();
  expect((await page.goto("/dashboard"))!.headers()["content-security-policy"]).toContain("'strict-dynamic'");

  await page.goto(`/instances/${id}?tab=terminal`);
  await expect(page.getByTestId("terminal-status").first()).toHaveText("Connected", { timeout: 15_000 });
  await page.getByTestId("terminal").first().click();
  await page.keyboard.type("echo csp-$((40+2))");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("terminal").first().locator(".xterm-rows")).toContainText("csp-42");
  await page.getByRole("tab", { name: "Stats" }).click();
  await expect(page.getByTestId("stats-live")).toContainText("Live");
  await expect.poll(async () => Number((await page.getByTestId("chart-cpu").getAttribute("data-points")) ?? 0), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);

  const docs = await page.goto("/api/docs");
  expect(docs!.headers()["content-security-policy"]).toContain("script-src 'self'");
  await expect(page.getByRole("heading", { name: /AI Infra Console API/ })).toBeVisible();
  await page.getByText("/api/v1/instances", { exact: true }).first().click();
  await expect(page.getByText("Try it out").first()).toBeVisible();

  expect(violations).toEqual([]);
  expect(errors.filter((e) => /Content.Security.Policy|Refused to/i.test(e))).toEqual([]);

  // Injected markup cannot run script: an inline handler is refused and reported.
  await page.goto("/dashboard");
  const ran = await page.evaluate(async () => {
    const img = document.createElement("img");
    img.setAttribute("onerror", "window.__injected = true");
    img.src = "data:,not-an-image";
    document.body.append(img);
    await new Promise((r) => setTimeout(r, 300));
    return (window as unknown as { __injected?: boolean }).__injected ?? false;
  });
  expect(ran).toBe(false);
  await expect.poll(() => violations.map((v) => v.directive)).toContainEqual(expect.stringMatching(/^script-src/));
});

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
