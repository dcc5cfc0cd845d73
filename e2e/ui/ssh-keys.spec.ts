// SSH in the browser: a user adds a key in Profile (a private key pasted is refused at once,
// a weak key gets the server's reason under the field), sees it with ssh-keygen's
// fingerprint and deletes it after confirming; an instance's SSH tab shows the exact command,
// asks for a key until there is one, and says the instance must run to connect. An
// administrator sees a user's keys, read-only.
import { bearer, expect, test } from "../fixtures";
import { launchRunning, launchSetup } from "../node-fixtures";
import { keygen } from "../ssh-fixtures";
import { closeDialog, signIn } from "./helpers";

test("add an SSH key in Profile (a bad one first), see its fingerprint, delete it after confirming", async ({ page, api, newUser, shot }) => {
  const u = await newUser();
  await signIn(page, u.username, u.password);
  await page.goto("/profile");
  const card = page.getByTestId("ssh-keys-card");
  await expect(card.getByTestId("ssh-keys-empty")).toContainText("No SSH keys yet");
  await expect(card.getByTestId("ssh-keys-empty")).toContainText("ssh-keygen -t ed25519");
  await card.getByRole("button", { name: "Add SSH key" }).click();

  const dialog = page.getByRole("dialog");
  const publicKey = dialog.getByLabel("Public key");
  const name = dialog.getByLabel("Name", { exact: true });
  await expect(publicKey).toHaveAttribute("placeholder", "ssh-ed25519 AAAA... you@laptop");
  // The private key pasted by mistake: said at once, before anything is sent.
  await publicKey.fill(keygen("ed25519").priv);
  await expect(dialog.locator(".ant-form-item-explain-error")).toHaveText(/^This is a private key\. Paste the public key/);
  // A 1024-bit RSA key: named after its comment, refused by the server under the field.
  await publicKey.fill(keygen("rsa", { bits: 1024, comment: "old@box" }).pub);
  await expect(name).toHaveValue("old@box");
  await dialog.getByRole("button", { name: "Add SSH key" }).click();
  await expect(dialog.locator(".ant-form-item-explain-error")).toHaveText("RSA keys need at least 2048 bits; this one has 1024");
  await expect(dialog).toBeVisible();

  // Another key pasted: the name follows its comment (the form filled it, nobody typed it).
  const key = keygen("ed25519", { comment: "ui@laptop" });
  await publicKey.fill(key.pub);
  await expect(name).toHaveValue("ui@laptop");
  await expect(dialog.locator(".ant-form-item-explain-error")).toHaveCount(0);
  await shot(page, "ssh-key-add-1440");
  await dialog.getByRole("button", { name: "Add SSH key" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText("SSH key “ui@laptop” added")).toBeVisible();

  const row = card.getByRole("row", { name: /ui@laptop/ });
  await expect(row.getByTestId("ssh-key-fingerprint")).toHaveText(key.fingerprint);
  await expect(row).toContainText("ED25519");
  await expect(row).toContainText("256 bits");
  await expect(row).toContainText("Never");
  await page.setViewportSize({ width: 1440, height: 900 });
  await card.scrollIntoViewIfNeeded();
  await shot(page, "ssh-keys-card-1440");
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(card.getByTestId("ssh-key-fingerprint")).toHaveText(key.fingerprint);
  await shot(page, "ssh-keys-card-390");
  await page.setViewportSize({ width: 1440, height: 900 });

  await row.getByRole("button", { name: "Delete" }).click();
  const confirm = page.getByRole("dialog");
  await expect(confirm).toContainText("Delete SSH key “ui@laptop”?");
  await expect(confirm).toContainText("SSH sessions opened with it end at once");
  await confirm.getByRole("button", { name: "Delete" }).click();
  await expect(card.getByTestId("ssh-keys-empty")).toBeVisible();
  expect((await (await api.get("/api/v1/users/me/ssh-keys", { headers: bearer(u.token) })).json()).items).toEqual([]);
});

test("an instance's SSH tab: the command to copy, a key asked for until added, running needed to connect", async ({ page, api, adminToken, newUser, shot }) => {
  test.setTimeout(90_000);
  const { node, image, spec } = await launchSetup(api, adminToken);
  const u = await newUser();
  const h = { headers: bearer(u.token) };
  const instance = await launchRunning(api, u.token, { name: "ssh-notebook", imageId: image.id, specId: spec.id, nodeId: node.id });
  const access = await (await api.get(`/api/v1/instances/${instance.id}/ssh`, h)).json();
  try {
    await signIn(page, u.username, u.password);
    await page.goto(`/instances/${instance.id}`);
    await page.getByRole("tab", { name: "SSH" }).click();
    await expect(page).toHaveURL(/tab=ssh/);
    await expect(page.getByTestId("ssh-command")).toHaveText(access.command);
    await expect(page.getByTestId("ssh-command")).toHaveText(new RegExp(`^ssh -p \\d+ ${instance.id}\\.${u.username}@`));
    await expect(page.getByTestId("ssh-config")).toContainText("Host aiinfra-ssh-notebook");
    await expect(page.getByTestId("ssh-host-key")).toHaveText(access.hostKeyFingerprint);
    await expect(page.getByTestId("ssh-known-hosts")).toHaveText(access.knownHosts);
    await expect(page.getByTestId("ssh-not-running")).toHaveCount(0);
    const needsKey = page.getByTestId("ssh-needs-key");
    await expect(needsKey).toContainText("Add an SSH key first");
    await expect(needsKey.getByRole("link")).toHaveAttribute("href", "/profile");
    await page.setViewportSize({ width: 1440, height: 900 });
    await shot(page, "instance-ssh-1440");
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByTestId("ssh-command")).toBeVisible();
    await shot(page, "instance-ssh-390");
    await page.setViewportSize({ width: 1440, height: 900 });

    // A key added elsewhere: the alert goes. Stopped: the same command, and a note to start it.
    expect((await api.post("/api/v1/users/me/ssh-keys", { ...h, data: { name: "laptop", publicKey: keygen("ed25519").pub } })).status()).toBe(201);
    expect((await api.post(`/api/v1/instances/${instance.id}/stop`, h)).status()).toBe(200);
    await page.reload();
    await expect(page.getByTestId("instance-status")).toHaveText("Stopped");
    await expect(page.getByTestId("ssh-command")).toHaveText(access.command);
    await expect(page.getByTestId("ssh-not-running")).toContainText("The instance must be running to connect");
    await expect(page.getByTestId("ssh-needs-key")).toHaveCount(0);
    await shot(page, "instance-ssh-stopped-1440");
  } finally {
    await api.delete(`/api/v1/instances/${instance.id}`, h);
  }
});

test("an administrator sees a user's SSH keys, read-only", async ({ page, api, newUser, shot }) => {
  const admin = await newUser("admin");
  const u = await newUser();
  const key = keygen("ecdsa", { comment: "server" });
  expect((await api.post("/api/v1/users/me/ssh-keys", { headers: bearer(u.token), data: { name: "deploy box", publicKey: key.pub } })).status()).toBe(201);
  await signIn(page, admin.username, admin.password);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/admin/users");
  await page.getByPlaceholder("Username, email or nickname").fill(u.username);
  await page.getByPlaceholder("Username, email or nickname").press("Enter");
  await shot(page, "admin-users-1440");
  await page.getByTestId(`ssh-keys-${u.username}`).click();
  const drawer = page.getByRole("dialog");
  await expect(drawer).toContainText(`SSH keys of ${u.username}`);
  const row = drawer.getByRole("row", { name: /deploy box/ });
  await expect(row.getByTestId("ssh-key-fingerprint")).toHaveText(key.fingerprint);
  await expect(row).toContainText("ECDSA");
  await expect(row.getByRole("button", { name: "Delete" })).toHaveCount(0);
  await shot(page, "admin-user-ssh-keys-1440");
  await closeDialog(drawer);
});
