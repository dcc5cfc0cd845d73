// The first-start offer: when no node uses this machine's Docker socket, the nodes page
// offers it; one click adds and tests it. (Console-wide state, so it runs alone.)
import { bearer, expect, test } from "./fixtures";
import { closeDialog, signIn } from "./ui/helpers";

test("the nodes page offers the local Docker engine and adds it in one click", async ({ page, api, adminToken, newUser, shot }) => {
  const nodes = (await (await api.get("/api/v1/nodes?pageSize=100", { headers: bearer(adminToken) })).json()).items as { id: string; dockerAddress: string }[];
  for (const n of nodes.filter((n) => n.dockerAddress === "unix:///var/run/docker.sock")) {
    // Instances other tests left on it go first (a node with instances cannot be deleted).
    const left = (await (await api.get(`/api/v1/instances?nodeId=${n.id}&pageSize=100`, { headers: bearer(adminToken) })).json()).items as { id: string }[];
    for (const i of left) expect((await api.delete(`/api/v1/instances/${i.id}`, { headers: bearer(adminToken) })).status()).toBe(204);
    expect((await api.delete(`/api/v1/nodes/${n.id}`, { headers: bearer(adminToken) })).status()).toBe(204);
  }
  const admin = await newUser("admin");
  await signIn(page, admin.username, admin.password);
  await page.goto("/admin/nodes");
  await expect(page.getByText("This machine's Docker engine")).toBeVisible();
  await shot(page, "25-local-offer");
  await page.getByRole("button", { name: "Add it as the node “local”" }).click();
  await expect(page.getByText("Local node added")).toBeVisible();
  const detail = page.getByRole("dialog", { name: "local" });
  await expect(detail.getByTestId("check-docker")).toContainText("reachable");
  await closeDialog(detail);
  await expect(page.getByText("This machine's Docker engine")).toHaveCount(0);
  await expect(page.getByRole("row", { name: /local/ }).first()).toContainText("Online");
});
