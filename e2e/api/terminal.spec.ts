// Web terminals over socket.io against a real container: echo, resize, reconnect with the
// sessionId (same shell, output replayed), exit, another user's instance, a foreign Origin,
// revocation, and a flood to a frozen client that does not grow the server's memory.
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { bearer, cookieSignIn, expect, fundUser, login, test, type TestUser, uniq } from "../fixtures";
import { launchSetup } from "../node-fixtures";
import { start } from "../process";
import { connect, outcome, terminalClient } from "../socket";

async function runningInstance(api: APIRequestContext, adminToken: string, owner: TestUser | { token: string }, base = "") {
  const { node, image, spec } = await launchSetup(api, adminToken);
  const res = await api.post(`${base}/api/v1/instances`, {
    headers: bearer(owner.token),
    data: { name: `term-${uniq(3)}`, imageId: image.id, specId: spec.id, nodeId: node.id },
  });
  expect(res.status(), await res.text()).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await expect
    .poll(async () => (await (await api.get(`${base}/api/v1/instances/${id}`, { headers: bearer(owner.token) })).json()).status, { timeout: 30_000 })
    .toBe("running");
  return id;
}

test("open, echo, resize, reconnect to the same shell with its output, exit", async ({ api, adminToken, baseURL, clientIp, newUser }) => {
  test.setTimeout(90_000);
  const u = await newUser();
  const instanceId = await runningInstance(api, adminToken, u);

  const first = connect(baseURL!, "/terminal", { token: u.token, ip: clientIp });
  expect(await outcome(first)).toEqual({ connected: true });
  const t1 = terminalClient(first);
  const { sessionId, error } = await t1.open({ instanceId, cols: 120, rows: 40 });
  expect(error).toBeUndefined();
  const word = `w${uniq(6)}`;
  t1.send(`echo ${word}-$((2+3))\n`);
  await expect.poll(() => t1.text(), { timeout: 10_000 }).toContain(`${word}-5`);
  t1.send("stty size\n");
  await expect.poll(() => t1.text()).toContain("40 120");
  first.emit("resize", { cols: 90, rows: 33 });
  t1.send("stty size\n");
  await expect.poll(() => t1.text()).toContain("33 90");
  t1.send("echo shell=$$\n");
  await expect.poll(() => /shell=(\d+)/.exec(t1.text())?.[1]).toBeTruthy();
  const pid = /shell=(\d+)/.exec(t1.text())![1];
  first.disconnect(); // a reload or a network blip

  const second = connect(baseURL!, "/terminal", { token: u.token, ip: clientIp });
  const t2 = terminalClient(second);
  expect(await t2.open({ instanceId, cols: 90, rows: 33, sessionId })).toEqual({ sessionId });
  await expect.poll(() => t2.text()).toContain(`${word}-5`); // replayed
  t2.send("echo again=$$\n");
  await expect.poll(() => t2.text()).toContain(`again=${pid}`);
  t2.send("exit 7\n");
  await expect.poll(() => t2.exit()).toEqual({ code: 7, reason: "exited" });
  second.disconnect();
  expect((await api.delete(`/api/v1/instances/${instanceId}`, { headers: bearer(u.token) })).status()).toBe(204);
});

test("another user's instance, a stopped instance, bad input and a foreign Origin are refused", async ({
  api,
  adminToken,
  baseURL,
  clientIp,
  newUser,
  playwright,
}) => {
  test.setTimeout(90_000);
  const [owner, other] = [await newUser(), await newUser()];
  const instanceId = await runningInstance(api, adminToken, owner);
  const s = connect(baseURL!, "/terminal", { token: other.token, ip: clientIp });
  const t = terminalClient(s);
  // The refusal carries its message's key, so the page says it in the reader's language.
  expect((await t.open({ instanceId, cols: 80, rows: 24 })).error).toMatchObject({
    code: "NOT_FOUND",
    message: "Instance not found",
    messageKey: "serverMessages.notFound",
    params: { what: { "en-US": "Instance", "zh-CN": expect.any(String) } },
  });
  expect((await t.open({ instanceId, cols: 0, rows: 24 })).error).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("cols") });
  s.disconnect();

  const ctx = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": clientIp } });
  await cookieSignIn(ctx, owner.username, owner.password);
  const cookie = (await ctx.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  expect(await outcome(connect(baseURL!, "/terminal", { cookie, origin: "https://evil.example", ip: clientIp }))).toMatchObject({
    connected: false,
    code: "ORIGIN_REFUSED",
  });
  await ctx.dispose();

  expect((await api.post(`/api/v1/instances/${instanceId}/stop`, { headers: bearer(owner.token) })).status()).toBe(200);
  const mine = connect(baseURL!, "/terminal", { token: owner.token, ip: clientIp });
  expect((await terminalClient(mine).open({ instanceId, cols: 80, rows: 24 })).error).toMatchObject({ code: "INVALID_STATE" });
  mine.disconnect();
  expect((await api.delete(`/api/v1/instances/${instanceId}`, { headers: bearer(owner.token) })).status()).toBe(204);
});

test("a revoked session is disconnected and its terminals end", async ({ api, adminToken, baseURL, clientIp, newUser }) => {
  test.setTimeout(90_000);
  const u = await newUser();
  const instanceId = await runningInstance(api, adminToken, u);
  const s = connect(baseURL!, "/terminal", { token: u.token, ip: clientIp });
  const t = terminalClient(s);
  const { sessionId } = await t.open({ instanceId, cols: 80, rows: 24 });
  const dropped = new Promise<string>((resolve) => s.once("disconnect", resolve));
  expect(
    (
      await api.post("/api/v1/users/me/password", { headers: bearer(u.token), data: { currentPassword: u.password, newPassword: "changed-password-1" } })
    ).status(),
  ).toBe(200);
  expect(await dropped).toBe("io server disconnect");
  // Signed in again, the old session is gone: a new shell is opened instead.
  const token = await login(api, u.username, "changed-password-1");
  const again = connect(baseURL!, "/terminal", { token, ip: clientIp });
  const reopened = await terminalClient(again).open({ instanceId, cols: 80, rows: 24, sessionId });
  expect(reopened.sessionId).toBeTruthy();
  expect(reopened.sessionId).not.toBe(sessionId);
  again.disconnect();
  expect((await api.delete(`/api/v1/instances/${instanceId}`, { headers: bearer(token) })).status()).toBe(204);
});

const rssKiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]);

test("a flood to a frozen browser does not grow the server's memory", async ({ playwright }, testInfo) => {
  test.skip(testInfo.project.metadata.db !== "sqlite", "one process measurement is enough");
  test.setTimeout(120_000);
  const c = await start({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "aic-flood-")), ADMIN_PASSWORD: "flood-admin-pw" });
  try {
    const api = await playwright.request.newContext({ baseURL: c.url });
    const admin = await login(api, "admin", "flood-admin-pw");
    await fundUser(api, admin, (await (await api.get("/api/v1/users/me", { headers: bearer(admin) })).json()).id);
    const instanceId = await runningInstance(api, admin, { token: admin }, c.url);
    const s = connect(c.url, "/terminal", { token: admin, ip: "127.0.0.1" });
    const frozen = terminalClient(s, { ack: false });
    await frozen.open({ instanceId, cols: 80, rows: 24 });
    const before = rssKiB(c.child.pid!);
    frozen.send("yes the-quick-brown-fox-jumps-over-the-lazy-dog | head -c 500000000\n");
    await new Promise((r) => setTimeout(r, 8_000));
    const after = rssKiB(c.child.pid!);
    testInfo.annotations.push({
      type: "server RSS",
      description: `${Math.round(before / 1024)} MiB → ${Math.round(after / 1024)} MiB while flooding a frozen client`,
    });
    expect(frozen.text().length).toBeLessThan(1024 * 1024);
    expect(after - before).toBeLessThan(64 * 1024);
    s.disconnect();
    expect((await api.delete(`${c.url}/api/v1/instances/${instanceId}`, { headers: bearer(admin) })).status()).toBe(204);
    await api.dispose();
  } finally {
    await c.stop();
  }
});
