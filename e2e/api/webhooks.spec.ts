// Webhooks from outside, on a console of its own (its egress allowlist opens 127.0.0.1 for
// the test's receivers; its retry schedule is seconds, not hours): deliveries are signed per
// Standard Webhooks (checked with the `standardwebhooks` reference library and with the
// README's Python code); a receiver that fails for a while gets the event later with the
// same webhook-id; 410 disables the endpoint; redirects are not followed; internal addresses
// are refused (the check after DNS is unit-tested in server/adapters); rotation signs with both secrets; real instance events reach their
// owner's and the platform's endpoints and nobody else's.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { bearer, expect, fundUser, login, test, uniq } from "../fixtures";
import { launchSetup, waitForStatus } from "../node-fixtures";
import { type Running, start } from "../process";

type Received = { headers: http.IncomingHttpHeaders; body: string; at: number };

/** A receiver on 127.0.0.1: answers each request with what `answer` says (by its number, from 1). */
async function receiver(answer: (n: number, r: Received) => { status: number; headers?: Record<string, string>; body?: string } = () => ({ status: 204 })) {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const r = { headers: req.headers, body, at: Date.now() };
      got.push(r);
      const a = answer(got.length, r);
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/hook`, port, got, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The README's Python verification, taken from the README as it is, run on what was received. */
const PYTHON_VERIFY = `${/```python\n([\s\S]*?def verify[\s\S]*?)```/.exec(readFileSync("README.md", "utf8"))![1]}
import json, sys
d = json.load(sys.stdin)
print("valid" if verify(d["secret"], d["headers"], d["body"]) else "invalid")
`;
const pythonVerifies = (secret: string, r: Received) =>
  execFileSync("python3", ["-c", PYTHON_VERIFY], { input: JSON.stringify({ secret, headers: r.headers, body: r.body }) })
    .toString()
    .trim();

const verify = (secret: string, r: Received) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string; data: unknown };

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

let c: Running;
let api: APIRequestContext;
let admin: string;

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ playwright }, testInfo) => {
  if (testInfo.project.metadata.db !== "sqlite") return;
  c = await start({
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "aic-webhooks-")),
    ADMIN_PASSWORD: "webhooks-admin-pw",
    EGRESS_ALLOWLIST: "127.0.0.1/32",
    WEBHOOK_RETRY_SCHEDULE_SEC: "0,1,1,2",
    WEBHOOK_TIMEOUT_SEC: "3",
  });
  api = await playwright.request.newContext({ baseURL: c.url });
  admin = await login(api, "admin", "webhooks-admin-pw");
});

test.afterAll(async () => {
  await api?.dispose();
  await c?.stop();
});

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.metadata.db !== "sqlite", "a console of its own; delivery does not depend on the database");
});

async function newUser(): Promise<{ id: string; token: string }> {
  const username = `h${uniq()}`;
  const made = await api.post("/api/v1/admin/users", {
    headers: bearer(admin),
    data: { username, email: `${username}@example.com`, password: "user-password-1", role: "user" },
  });
  expect(made.status()).toBe(201);
  const id = (await made.json()).id as string;
  await fundUser(api, admin, id);
  return { id, token: await login(api, username, "user-password-1") };
}

async function createHook(token: string, data: Record<string, unknown>) {
  const res = await api.post("/api/v1/webhooks", { headers: bearer(token), data });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as { id: string; secret: string; url: string };
}

async function deliveries(token: string, hookId: string) {
  const res = await api.get(`/api/v1/webhooks/${hookId}/deliveries`, { headers: bearer(token) });
  expect(res.status()).toBe(200);
  return (await res.json()).items as {
    id: string;
    messageId: string;
    status: string;
    attemptCount: number;
    lastStatus: number | null;
    lastError: string | null;
  }[];
}

test("a test event is signed per Standard Webhooks: the reference library and the README's Python both verify it; the secret is shown once", async () => {
  const u = await newUser();
  const r = await receiver();
  try {
    const hook = await createHook(u.token, { url: r.url, eventTypes: ["instance.running"], description: "ci" });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const read = await (await api.get(`/api/v1/webhooks/${hook.id}`, { headers: bearer(u.token) })).json();
    expect(JSON.stringify(read)).not.toContain(hook.secret);
    expect(read).toMatchObject({ url: r.url, eventTypes: ["instance.running"], enabled: true, platform: false });

    const sent = await api.post(`/api/v1/webhooks/${hook.id}/test`, { headers: bearer(u.token) });
    expect(sent.status()).toBe(202);
    const got = await until("the test event", async () => r.got[0]);
    expect(got.headers["content-type"]).toBe("application/json");
    const payload = verify(hook.secret, got);
    expect(payload).toMatchObject({ type: "webhook.test", data: { endpointId: hook.id } });
    expect(got.headers["webhook-id"]).toBe((await sent.json()).messageId);
    expect(pythonVerifies(hook.secret, got)).toBe("valid");
    // A body changed on the way, or another secret: both verifiers refuse.
    expect(() => verify(hook.secret, { ...got, body: got.body.replace("webhook.test", "webhook.tesT") })).toThrow();
    expect(pythonVerifies(`whsec_${Buffer.from("another secret of 24 bytes").toString("base64")}`, got)).toBe("invalid");
    const log = await until("a succeeded delivery", async () => (await deliveries(u.token, hook.id)).find((d) => d.status === "succeeded"));
    expect(log).toMatchObject({ attemptCount: 1, lastStatus: 204 });
  } finally {
    await r.close();
  }
});

test("a receiver that fails for a while gets the event later with the same webhook-id; every attempt is in the log; redelivery sends it again", async () => {
  const u = await newUser();
  const r = await receiver((n) => (n <= 2 ? { status: 500, body: `down ${n}` } : { status: 200, body: "ok" }));
  try {
    const hook = await createHook(u.token, { url: r.url, eventTypes: ["instance.running"] });
    await api.post(`/api/v1/webhooks/${hook.id}/test`, { headers: bearer(u.token) });
    await until("the third attempt", async () => r.got.length >= 3);
    expect(new Set(r.got.map((g) => g.headers["webhook-id"])).size).toBe(1);
    expect(new Set(r.got.map((g) => g.body)).size).toBe(1);
    for (const g of r.got) verify(hook.secret, g);
    // The schedule's waits (1 s, then 1 s) were kept.
    expect(r.got[1]!.at - r.got[0]!.at).toBeGreaterThanOrEqual(900);
    const d = await until("succeeded", async () => (await deliveries(u.token, hook.id)).find((x) => x.status === "succeeded"));
    expect(d.attemptCount).toBe(3);
    const detail = await (await api.get(`/api/v1/webhooks/${hook.id}/deliveries/${d.id}`, { headers: bearer(u.token) })).json();
    expect(detail.attempts.map((a: { status: number }) => a.status)).toEqual([200, 500, 500]);
    expect(detail.attempts[2].response).toBe("down 1");
    expect(JSON.parse(detail.payload).type).toBe("webhook.test");

    const again = await api.post(`/api/v1/webhooks/${hook.id}/deliveries/${d.id}/redeliver`, { headers: bearer(u.token) });
    expect(again.status()).toBe(200);
    expect(await again.json()).toMatchObject({ status: "succeeded", attemptCount: 4 });
    expect(r.got).toHaveLength(4);
    expect(r.got[3]!.headers["webhook-id"]).toBe(r.got[0]!.headers["webhook-id"]);
  } finally {
    await r.close();
  }
});

test("retries end after the schedule: the delivery has failed, and the log says why", async () => {
  const u = await newUser();
  const r = await receiver(() => ({ status: 503, body: "maintenance" }));
  try {
    const hook = await createHook(u.token, { url: r.url, eventTypes: ["instance.running"] });
    await api.post(`/api/v1/webhooks/${hook.id}/test`, { headers: bearer(u.token) });
    // Four attempts (0, 1, 1, 2 s), then no more.
    const d = await until("failed", async () => (await deliveries(u.token, hook.id)).find((x) => x.status === "failed"), 20_000);
    expect(d).toMatchObject({ attemptCount: 4, lastStatus: 503 });
    await new Promise((res) => setTimeout(res, 2500));
    expect(r.got).toHaveLength(4);
  } finally {
    await r.close();
  }
});

test("410 Gone disables the endpoint; a redirect is not followed; internal addresses are refused after DNS", async () => {
  const u = await newUser();
  const gone = await receiver(() => ({ status: 410 }));
  const target = await receiver();
  const redirect = await receiver(() => ({ status: 307, headers: { location: target.url } }));
  try {
    const hook = await createHook(u.token, { url: gone.url, eventTypes: ["instance.running"] });
    await api.post(`/api/v1/webhooks/${hook.id}/test`, { headers: bearer(u.token) });
    const off = await until("disabled", async () => {
      const e = await (await api.get(`/api/v1/webhooks/${hook.id}`, { headers: bearer(u.token) })).json();
      return e.enabled === false && e;
    });
    expect(off.disabledReason).toContain("410");
    expect((await deliveries(u.token, hook.id))[0]).toMatchObject({ status: "failed", attemptCount: 1, lastStatus: 410 });
    const refused = await api.post(`/api/v1/webhooks/${hook.id}/test`, { headers: bearer(u.token) });
    expect(refused.status()).toBe(409);
    expect(gone.got).toHaveLength(1);
    // Enabled again by its owner, it takes events again.
    const on = await api.patch(`/api/v1/webhooks/${hook.id}`, { headers: bearer(u.token), data: { enabled: true } });
    expect(await on.json()).toMatchObject({ enabled: true, disabledReason: null });

    const moved = await createHook(u.token, { url: redirect.url, eventTypes: ["instance.running"] });
    await api.post(`/api/v1/webhooks/${moved.id}/test`, { headers: bearer(u.token) });
    const d = await until("a refused redirect", async () => (await deliveries(u.token, moved.id)).find((x) => x.lastStatus === 307));
    expect(d.lastError).toContain("redirects are not followed");
    expect(target.got).toHaveLength(0);

    // Loopback outside the allowlist (127.0.0.2, ::1), the cloud metadata address, a private one.
    for (const url of [
      `http://127.0.0.2:${target.port}/hook`,
      `http://[::1]:${target.port}/hook`,
      "http://169.254.169.254/latest/meta-data/",
      "http://10.0.0.1/x",
    ]) {
      const inside = await createHook(u.token, { url, eventTypes: ["instance.running"] });
      await api.post(`/api/v1/webhooks/${inside.id}/test`, { headers: bearer(u.token) });
      const x = await until(`refused ${url}`, async () => (await deliveries(u.token, inside.id)).find((y) => y.lastError));
      expect(x.lastStatus, url).toBeNull();
      expect(x.lastError, url).toMatch(/refused|loopback|link-local|not allowed/i);
    }
    expect(target.got).toHaveLength(0);
  } finally {
    await Promise.all([gone.close(), target.close(), redirect.close()]);
  }
});

test("after a rotation both secrets sign for a day; the old one alone still verifies", async () => {
  const u = await newUser();
  const r = await receiver();
  try {
    const hook = await createHook(u.token, { url: r.url, eventTypes: ["instance.running"] });
    const rotated = await api.post(`/api/v1/webhooks/${hook.id}/rotate-secret`, { headers: bearer(u.token) });
    expect(rotated.status()).toBe(200);
    const { secret } = await rotated.json();
    expect(secret).not.toBe(hook.secret);
    const e = await (await api.get(`/api/v1/webhooks/${hook.id}`, { headers: bearer(u.token) })).json();
    expect(Date.parse(e.previousSecretUntil) - Date.now()).toBeGreaterThan(23 * 3600_000);
    await api.post(`/api/v1/webhooks/${hook.id}/test`, { headers: bearer(u.token) });
    const got = await until("the event", async () => r.got[0]);
    expect(String(got.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    verify(secret, got);
    verify(hook.secret, got);
    expect(pythonVerifies(secret, got)).toBe("valid");
  } finally {
    await r.close();
  }
});

test("who manages what: users their own endpoints, administrators the platform's; node events are the platform's; bad input names the field", async () => {
  const [a, b] = [await newUser(), await newUser()];
  const hook = await createHook(a.token, { url: "https://example.com/a", eventTypes: ["job.run.failed"] });
  for (const [method, p] of [
    ["GET", `/api/v1/webhooks/${hook.id}`],
    ["PATCH", `/api/v1/webhooks/${hook.id}`],
    ["DELETE", `/api/v1/webhooks/${hook.id}`],
    ["POST", `/api/v1/webhooks/${hook.id}/test`],
    ["GET", `/api/v1/webhooks/${hook.id}/deliveries`],
  ] as const) {
    const res = await api.fetch(p, { method, headers: bearer(b.token), data: method === "PATCH" ? { enabled: false } : undefined });
    expect(res.status(), `${method} ${p}`).toBe(404);
  }
  expect((await (await api.get("/api/v1/webhooks", { headers: bearer(b.token) })).json()).total).toBe(0);
  expect((await api.get("/api/v1/webhooks?scope=platform", { headers: bearer(b.token) })).status()).toBe(403);
  const platform = await api.post("/api/v1/webhooks", {
    headers: bearer(b.token),
    data: { url: "https://example.com/p", eventTypes: ["node.down"], platform: true },
  });
  expect(platform.status()).toBe(403);
  const nodeEvents = await api.post("/api/v1/webhooks", { headers: bearer(b.token), data: { url: "https://example.com/p", eventTypes: ["node.down"] } });
  expect(nodeEvents.status()).toBe(400);
  expect((await nodeEvents.json()).error.issues).toEqual([
    expect.objectContaining({ path: "eventTypes", message: "node.down is for platform endpoints only" }),
  ]);
  for (const [data, field] of [
    [{ url: "ftp://example.com/x", eventTypes: ["instance.running"] }, "url"],
    [{ url: "https://user:pw@example.com/x", eventTypes: ["instance.running"] }, "url"],
    [{ url: "https://example.com/x", eventTypes: [] }, "eventTypes"],
    [{ url: "https://example.com/x", eventTypes: ["instance.exploded"] }, "eventTypes.0"],
  ] as const) {
    const res = await api.post("/api/v1/webhooks", { headers: bearer(b.token), data });
    expect(res.status(), JSON.stringify(data)).toBe(400);
    expect((await res.json()).error.issues.map((i: { path: string }) => i.path)).toContain(field);
  }
  expect((await (await api.get("/api/v1/webhooks", { headers: bearer(b.token) })).json()).total).toBe(0);
  const p = await createHook(admin, { url: "https://example.com/p", eventTypes: ["node.down", "node.up"], platform: true });
  const list = await (await api.get("/api/v1/webhooks?scope=platform", { headers: bearer(admin) })).json();
  expect(list.items.map((e: { id: string }) => e.id)).toContain(p.id);
  expect((await api.delete(`/api/v1/webhooks/${p.id}`, { headers: bearer(admin) })).status()).toBe(204);
  expect((await api.get(`/api/v1/webhooks/${p.id}`, { headers: bearer(admin) })).status()).toBe(404);
});

test("a real instance's life reaches its owner's and the platform's endpoints, not another user's", async () => {
  test.setTimeout(180_000);
  const [owner, other] = [await newUser(), await newUser()];
  const mine = await receiver();
  const theirs = await receiver();
  const platform = await receiver();
  try {
    const types = ["instance.created", "instance.running", "instance.stopped", "instance.deleted"];
    const m = await createHook(owner.token, { url: mine.url, eventTypes: types });
    await createHook(other.token, { url: theirs.url, eventTypes: types });
    const pf = await createHook(admin, { url: platform.url, eventTypes: types, platform: true });
    const { node, image, spec } = await launchSetup(api, admin);
    const made = await api.post("/api/v1/instances", {
      headers: bearer(owner.token),
      data: { name: `wh-${uniq(3)}`, imageId: image.id, specId: spec.id, nodeId: node.id },
    });
    expect(made.status(), await made.text()).toBe(202);
    const id = (await made.json()).id as string;
    await waitForStatus(api, owner.token, id, "running");
    expect((await api.post(`/api/v1/instances/${id}/stop`, { headers: bearer(owner.token) })).status()).toBe(200);
    expect((await api.delete(`/api/v1/instances/${id}`, { headers: bearer(owner.token) })).status()).toBe(204);
    const seen = (r: Awaited<ReturnType<typeof receiver>>, secret: string) =>
      r.got.map((g) => verify(secret, g) as { type: string; data: { instance: { id: string; status: string } } }).filter((e) => e.data.instance.id === id);
    await until("four events", async () => seen(mine, m.secret).length >= 4);
    // Each event is its own message: they may arrive in any order.
    expect(
      seen(mine, m.secret)
        .map((e) => e.type)
        .sort(),
    ).toEqual([...types].sort());
    expect(seen(mine, m.secret).find((e) => e.type === "instance.running")!.data.instance).toMatchObject({ id, status: "running", node: node.name });
    await until("the platform's four", async () => seen(platform, pf.secret).length >= 4);
    expect(
      seen(platform, pf.secret)
        .map((e) => e.type)
        .sort(),
    ).toEqual([...types].sort());
    expect(theirs.got).toHaveLength(0);
  } finally {
    await Promise.all([mine.close(), theirs.close(), platform.close()]);
  }
});
