// The web terminal in Chromium against a real container: open it, type a command and see
// its output, reload the page and find the same shell with its output; a second tab is
// another shell. (Chromium runs without a GPU here, so xterm renders to the DOM.)
import { bearer, expect, test, uniq } from "../fixtures";
import { launchSetup, waitForStatus } from "../node-fixtures";
import { signIn } from "./helpers";

test("a user opens a terminal, runs a command, reloads and is back in the same shell", async ({ page, api, adminToken, newUser, shot }) => {
  test.setTimeout(120_000);
  const { node, image, spec } = await launchSetup(api, adminToken);
  const user = await newUser();
  const created = await api.post("/api/v1/instances", {
    headers: bearer(user.token),
    data: { name: `shell-${uniq(3)}`, imageId: image.id, specId: spec.id, nodeId: node.id },
  });
  const { id } = (await created.json()) as { id: string };
  await waitForStatus(api, user.token, id, "running");

  await signIn(page, user.username, user.password);
  await page.goto(`/instances/${id}`);
  await page.getByRole("tab", { name: "Terminal", exact: true }).click();
  const status = page.getByTestId("terminal-status").first();
  await expect(status).toHaveText("Connected", { timeout: 15_000 });
  const screen = page.getByTestId("terminal").first();
  await screen.click();
  const word = `ui${uniq(4)}`;
  await page.keyboard.type(`echo ${word}-$((6*7)); echo shell-pid=$$`);
  await page.keyboard.press("Enter");
  await expect(screen.locator(".xterm-rows")).toContainText(`${word}-42`);
  const pid = /shell-pid=(\d+)/.exec((await screen.locator(".xterm-rows").textContent()) ?? "")?.[1];
  expect(pid).toBeTruthy();
  await shot(page, "38-terminal");

  // A reload reattaches: the earlier output is replayed and the shell is the same process.
  await page.reload();
  // The open tab is in the URL: the reload comes back to the terminal.
  await expect(page).toHaveURL(/[?&]tab=terminal/);
  await expect(page.getByRole("tab", { name: "Terminal", exact: true })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("terminal-status").first()).toHaveText("Connected", { timeout: 15_000 });
  const again = page.getByTestId("terminal").first();
  await expect(again.locator(".xterm-rows")).toContainText(`${word}-42`);
  await again.click();
  await page.keyboard.type("echo again-pid=$$");
  await page.keyboard.press("Enter");
  await expect(again.locator(".xterm-rows")).toContainText(`again-pid=${pid}`);

  // A second tab is a second shell.
  await page.getByRole("button", { name: "Add tab" }).click();
  await expect(page.getByTestId("terminal-status").nth(1)).toHaveText("Connected", { timeout: 15_000 });
  const second = page.getByTestId("terminal").nth(1);
  await second.click();
  await page.keyboard.type("echo second-pid=$$");
  await page.keyboard.press("Enter");
  await expect(second.locator(".xterm-rows")).toContainText(/second-pid=\d+/);
  expect(await second.locator(".xterm-rows").textContent()).not.toContain(`second-pid=${pid}`);
  await shot(page, "39-terminal-tabs");
  expect((await api.delete(`/api/v1/instances/${id}`, { headers: bearer(user.token) })).status()).toBe(204);
});
