// Real JupyterLab (local/jupyterlab:4, built from Debian and PyPI by scripts/images/jupyterlab.sh)
// in Chromium, as a user meets it: "Open JupyterLab" on the instance page, JupyterLab loads on
// the app origin without asking for a token, a new notebook's cell runs on a kernel reached
// through the proxy's websocket, and the notebook is saved in the instance's data directory.
import { execFileSync } from "node:child_process";
import { bearer, expect, test, uniq } from "../fixtures";
import { JUPYTERLAB_IMAGE, launchRunning, launchSetup, needsJupyterLab } from "../node-fixtures";
import { signIn } from "./helpers";

test("Open JupyterLab: a notebook cell runs on the instance's kernel through the proxy, and is saved in its data", async ({
  page,
  api,
  adminToken,
  newUser,
  shot,
}) => {
  needsJupyterLab();
  test.setTimeout(180_000);
  const u = await newUser();
  const { node, spec } = await launchSetup(api, adminToken);
  const res = await api.post("/api/v1/images", {
    headers: bearer(adminToken),
    data: { name: `JupyterLab ${uniq(3)}`, address: JUPYTERLAB_IMAGE, notebook: true },
  });
  expect(res.status(), await res.text()).toBe(201);
  const image = (await res.json()) as { id: string };
  const instance = (await launchRunning(api, u.token, { name: `lab-${uniq(3)}`, imageId: image.id, specId: spec.id, nodeId: node.id })) as { id: string };

  await signIn(page, u.username, u.password);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/instances/${instance.id}`);
  const [lab] = await Promise.all([page.context().waitForEvent("page"), page.getByRole("link", { name: "Open JupyterLab" }).click()]);
  // JupyterLab starts a few seconds after its container: until then the proxy says nothing answers.
  await expect(async () => {
    if (!(await lab.getByText("Python 3 (ipykernel)").first().isVisible())) {
      await lab.reload();
      await expect(lab.getByText("Python 3 (ipykernel)").first()).toBeVisible({ timeout: 10_000 });
    }
  }).toPass({ timeout: 90_000 });
  expect(lab.url()).toMatch(new RegExp(`/apps/${instance.id}/8888/lab`));
  await expect(lab.getByText(/token/i)).toHaveCount(0);

  // A new notebook from the launcher; a cell run on its kernel (over the kernel's websocket).
  await lab.locator('.jp-LauncherCard[data-category="Notebook"]').first().click();
  const cell = lab.locator(".jp-Notebook .jp-Cell .cm-content").first();
  await expect(cell).toBeVisible({ timeout: 30_000 });
  // The kernel ready (a cell run before it is would be dropped by JupyterLab).
  await expect(lab.getByText("Python 3 (ipykernel) | Idle")).toBeVisible({ timeout: 60_000 });
  await cell.click();
  await lab.keyboard.type("import os; print(6 * 7, os.getcwd())");
  await lab.keyboard.press("Shift+Enter");
  await expect(lab.locator(".jp-OutputArea-output").first()).toHaveText("42 /root/data", { timeout: 60_000 });
  await shot(lab, "jupyterlab-notebook-1440");
  // Saved under a name of its own, in the instance's data directory (kept across stops).
  await lab.keyboard.press("Control+s");
  const rename = lab.getByRole("dialog").filter({ hasText: "Rename file" });
  await rename.locator("input.jp-mod-styled, input[type='text']").first().fill("through-the-proxy.ipynb");
  await rename.getByRole("button", { name: "Rename and Save" }).click();
  await expect
    .poll(
      () => {
        try {
          return execFileSync("docker", ["exec", `aic-${instance.id}`, "cat", "/root/data/through-the-proxy.ipynb"], {
            stdio: ["ignore", "pipe", "ignore"],
          }).toString();
        } catch {
          return "(not saved yet)";
        }
      },
      { timeout: 20_000 },
    )
    .toContain("42 /root/data");
});
