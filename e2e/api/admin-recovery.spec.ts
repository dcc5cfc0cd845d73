// A console without any active administrator (what the old last-admin race left behind)
// whose ADMIN_USERNAME belongs to a non-admin account still starts, warns how to recover,
// and `npm run admin:recover -- <username>` gives that account admin rights and a new
// password printed once. Own console processes (e2e/process.ts), signed out.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { bearer, expect, test } from "../fixtures";
import { start, tempPostgresDb } from "../process";

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const clean = { ...process.env };
  for (const k of ["ADMIN_PASSWORD", "DATABASE_URL", "DATA_DIR", "PORT"]) delete clean[k];
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...clean, LOG_LEVEL: "info", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

test("a console without an admin serves, and admin:recover brings one back", async ({ request }, testInfo) => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "aic-recover-"));
  const pgDb = testInfo.project.metadata.db === "postgres" ? await tempPostgresDb("recover") : null;
  const env: Record<string, string> = { DATA_DIR: dataDir, ADMIN_PASSWORD: "original-admin-pw", ...(pgDb ? { DATABASE_URL: pgDb.url } : {}) };
  const demoteEveryone = async () => {
    const sql = `UPDATE "User" SET role = 'user'`;
    if (!pgDb) {
      const conn = new Database(path.join(dataDir, "console.db"));
      conn.exec(sql);
      conn.close();
      return;
    }
    const c = new pg.Client({ connectionString: pgDb.url });
    await c.connect();
    await c.query(sql);
    await c.end();
  };
  try {
    const first = await start(env);
    await first.stop();
    await demoteEveryone();

    const console_ = await start(env);
    try {
      expect(console_.output()).toMatch(/No active administrator, and ADMIN_USERNAME \(admin\) belongs to an account that is not an active administrator/);
      expect(console_.output()).toContain("npm run admin:recover -- <username>");
      expect((await request.get(`${console_.url}/api/health`)).status()).toBe(200);
      const before = await request.post(`${console_.url}/api/v1/auth/login`, { data: { username: "admin", password: "original-admin-pw" } });
      expect(before.status()).toBe(200);
      expect((await before.json()).user.role).toBe("user");

      const bad = await run("npm", ["run", "-s", "admin:recover", "--", "nobody-by-that-name"], env);
      expect(bad.code).toBe(1);
      expect(bad.output).toContain('No account has the username or email "nobody-by-that-name"');

      const recovered = await run("npm", ["run", "-s", "admin:recover", "--", "admin"], env);
      expect(recovered.code, recovered.output).toBe(0);
      const match = /Password \(shown only this once\): (\S+)/.exec(recovered.output);
      expect(match, recovered.output).not.toBeNull();
      const password = match![1]!;
      const logLines = recovered.output.split("\n").filter((l) => l.startsWith("{"));
      expect(logLines.some((l) => l.includes(password))).toBe(false);

      // The running console sees the change at once: old password gone, new one signs in as admin.
      const old = await request.post(`${console_.url}/api/v1/auth/login`, { data: { username: "admin", password: "original-admin-pw" } });
      expect(old.status()).toBe(401);
      const res = await request.post(`${console_.url}/api/v1/auth/login`, { data: { username: "admin", password } });
      expect(res.status(), await res.text()).toBe(200);
      const { token, user } = await res.json();
      expect(user).toMatchObject({ username: "admin", role: "admin", isActive: true });
      expect((await request.get(`${console_.url}/api/v1/admin/users?pageSize=5`, { headers: bearer(token) })).status()).toBe(200);
    } finally {
      await console_.stop();
    }
  } finally {
    await pgDb?.drop();
  }
});
