// The console process itself, started the way README's first line does (production build,
// embedded defaults): first start creates the admin with a generated password printed
// once; a restart keeps it; health answers 503 when the database goes away.
import { mkdtempSync, statSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test, uniq } from "../fixtures";
import { start, tempPostgresDb } from "../process";

test("first start creates the admin with a generated password shown once; restart keeps it", async ({ request }, testInfo) => {
  test.skip(testInfo.project.metadata.db !== "sqlite", "the embedded defaults are SQLite");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "aic-first-"));
  const first = await start({ DATA_DIR: dataDir });
  try {
    const match = /Password \(shown only this once\): (\S+)/.exec(first.output());
    expect(match, first.output()).not.toBeNull();
    const password = match![1]!;
    expect(password.length).toBeGreaterThanOrEqual(20);
    // Printed for the operator, never written to the structured log lines.
    const logLines = first
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"));
    expect(logLines.some((l) => l.includes(password))).toBe(false);
    for (const guess of ["admin", "admin123", "123456", "password"]) {
      const res = await request.post(`${first.url}/api/v1/auth/login`, { data: { username: "admin", password: guess } });
      expect(res.status(), `default password ${guess}`).toBe(401);
    }
    const ok = await request.post(`${first.url}/api/v1/auth/login`, { data: { username: "admin", password } });
    expect(ok.status()).toBe(200);
    // The embedded defaults: SQLite and a generated key in DATA_DIR, readable only by us.
    expect(statSync(path.join(dataDir, "console.db")).isFile()).toBe(true);
    expect(statSync(path.join(dataDir, "secret.key")).mode & 0o777).toBe(0o600);
  } finally {
    await first.stop();
  }
  const second = await start({ DATA_DIR: dataDir });
  try {
    expect(second.output()).not.toContain("shown only this once");
    const { password } = { password: /Password \(shown only this once\): (\S+)/.exec(first.output())![1]! };
    expect((await request.post(`${second.url}/api/v1/auth/login`, { data: { username: "admin", password } })).status()).toBe(200);
  } finally {
    await second.stop();
  }
});

test("health is 503 when the database is unreachable", async ({ request }, testInfo) => {
  test.skip(testInfo.project.metadata.db !== "postgres", "needs a database server that can go away");
  const db = await tempPostgresDb("health");
  const running = await start({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "aic-health-")), DATABASE_URL: db.url, ADMIN_PASSWORD: "health-check-pw" });
  try {
    expect((await request.get(`${running.url}/api/health`)).status()).toBe(200);
    await db.drop();
    const res = await request.get(`${running.url}/api/health`);
    expect(res.status()).toBe(503);
    expect(await res.json()).toMatchObject({ status: "degraded", database: "unreachable" });
  } finally {
    await running.stop();
    await db.drop();
  }
});

test("two console processes behind a balancer share rate limits through Redis", async ({ request }, testInfo) => {
  test.skip(testInfo.project.metadata.db !== "postgres", "several processes need PostgreSQL");
  const db = await tempPostgresDb("scale");
  const shared = {
    DATABASE_URL: db.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
    APP_SECRET: `shared-secret-${uniq(16)}`,
    ADMIN_PASSWORD: "scale-out-password",
    TRUST_PROXY: "1",
  };
  const a = await start({ ...shared, DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "aic-a-")) });
  const b = await start({ ...shared, DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "aic-b-")) });
  try {
    const ip = `10.55.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
    const attempt = (url: string) =>
      request.post(`${url}/api/v1/auth/login`, { headers: { "x-forwarded-for": ip }, data: { username: "admin", password: "scale-out-password" } });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await attempt(i % 2 ? b.url : a.url)).status());
    expect(statuses).toEqual(Array(10).fill(200));
    expect((await attempt(a.url)).status()).toBe(429);
    expect((await attempt(b.url)).status()).toBe(429);
    // A token from one process works on the other (same APP_SECRET and database).
    const token = (
      await (
        await request.post(`${a.url}/api/v1/auth/login`, {
          headers: { "x-forwarded-for": "10.56.0.1" },
          data: { username: "admin", password: "scale-out-password" },
        })
      ).json()
    ).token;
    expect((await request.get(`${b.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } })).status()).toBe(200);
  } finally {
    await a.stop();
    await b.stop();
    await db.drop();
  }
});

test("an administrator makes at most 50 changes a minute by default; reads and other administrators go on", async ({ request }, testInfo) => {
  test.skip(testInfo.project.metadata.db !== "sqlite", "one run is enough; the limit does not depend on the database");
  const running = await start({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "aic-admin-limit-")), ADMIN_PASSWORD: "limit-test-password" });
  try {
    const signIn = async (username: string, password: string) => ({
      authorization: `Bearer ${(await (await request.post(`${running.url}/api/v1/auth/login`, { data: { username, password } })).json()).token}`,
    });
    const headers = await signIn("admin", "limit-test-password");
    const second = `adm${uniq()}`;
    const made = await request.post(`${running.url}/api/v1/admin/users`, {
      headers,
      data: { username: second, email: `${second}@example.com`, password: "long-password", role: "admin" },
    });
    expect(made.status()).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 49; i++) {
      const res = await request.post(`${running.url}/api/v1/specs`, {
        headers,
        data: { name: `s${i}-${uniq(3)}`, cpuCores: 1, memoryGb: 1, pricePerHourCents: 1 },
      });
      statuses.push(res.status());
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(49);
    const limited = await request.post(`${running.url}/api/v1/specs`, {
      headers,
      data: { name: `over-${uniq(3)}`, cpuCores: 1, memoryGb: 1, pricePerHourCents: 1 },
    });
    expect(limited.status()).toBe(429);
    expect(Number(limited.headers()["retry-after"])).toBeGreaterThan(0);
    expect((await limited.json()).error.message).toContain("at most 50 a minute");
    // Nothing was made by the refused request, reads go on, and another administrator is not held back.
    const specs = await (await request.get(`${running.url}/api/v1/specs?pageSize=100&name=over-`, { headers })).json();
    expect(specs.items.filter((s: { name: string }) => s.name.startsWith("over-"))).toEqual([]);
    const other = await signIn(second, "long-password");
    expect(
      (
        await request.post(`${running.url}/api/v1/specs`, {
          headers: other,
          data: { name: `other-${uniq(3)}`, cpuCores: 1, memoryGb: 1, pricePerHourCents: 1 },
        })
      ).status(),
    ).toBe(201);
  } finally {
    await running.stop();
  }
});

test("each principal gets 100 API requests a minute by default, then 429 with Retry-After", async ({ request }, testInfo) => {
  test.skip(testInfo.project.metadata.db !== "sqlite", "one run is enough; the limit does not depend on the database");
  const running = await start({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "aic-limit-")), ADMIN_PASSWORD: "limit-test-password" });
  try {
    const login = await request.post(`${running.url}/api/v1/auth/login`, { data: { username: "admin", password: "limit-test-password" } });
    const { token } = await login.json();
    const headers = { authorization: `Bearer ${token}` };
    const statuses: number[] = [];
    for (let i = 0; i < 100; i += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, () => request.get(`${running.url}/api/v1/users/me`, { headers })));
      statuses.push(...batch.map((r) => r.status()));
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    const limited = await request.get(`${running.url}/api/v1/users/me`, { headers });
    expect(limited.status()).toBe(429);
    expect(Number(limited.headers()["retry-after"])).toBeGreaterThan(0);
    expect((await limited.json()).error.code).toBe("RATE_LIMITED");
    // Another principal is not affected.
    const user = `lim${uniq()}`;
    const reg = await request.post(`${running.url}/api/v1/auth/register`, {
      data: { username: user, email: `${user}@example.com`, password: "long-password" },
    });
    expect(reg.status()).toBe(201);
    const other = (await (await request.post(`${running.url}/api/v1/auth/login`, { data: { username: user, password: "long-password" } })).json()).token;
    expect((await request.get(`${running.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${other}` } })).status()).toBe(200);
  } finally {
    await running.stop();
  }
});

test("an app listener port already taken leaves the console serving, apps off and saying why", async ({ request }, testInfo) => {
  test.skip(testInfo.project.metadata.db !== "sqlite", "database-independent");
  const taken = createServer();
  const port = await new Promise<number>((resolve) => taken.listen(0, "127.0.0.1", () => resolve((taken.address() as { port: number }).port)));
  const c = await start({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "aic-apps-taken-")), APPS_PORT: String(port), ADMIN_PASSWORD: "apps-taken-admin" });
  try {
    // Logged when the listener's bind fails, which may come just after "console listening".
    await expect.poll(() => c.output()).toContain(`The app listener's port ${port} is in use`);
    expect((await request.get(`${c.url}/api/health`)).status()).toBe(200);
    const login = await request.post(`${c.url}/api/v1/auth/login`, { data: { username: "admin", password: "apps-taken-admin" } });
    expect(login.status()).toBe(200);
  } finally {
    await c.stop();
    taken.close();
  }
});
