// Files with secrets are the console user's alone: on a fresh DATA_DIR the console creates
// the folder 0700 and the SQLite database, its WAL and shared-memory files and secret.key
// 0600; a folder and files left readable (an older version, a mkdir) are tightened at the next start.
// Own console processes (e2e/process.ts).
import { chmodSync, mkdtempSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "../fixtures";
import { start } from "../process";

const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);

test("the database, its WAL/SHM files and secret.key are 0600, a created DATA_DIR 0700", async ({ request }, testInfo) => {
  test.skip(testInfo.project.metadata.db !== "sqlite", "the database files are SQLite's");
  const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), "aic-modes-")), "data");
  const files = ["console.db", "console.db-wal", "console.db-shm", "secret.key"].map((f) => path.join(dataDir, f));
  const env = { DATA_DIR: dataDir, ADMIN_PASSWORD: "file-modes-password" };

  const signIn = async (url: string) =>
    expect((await request.post(`${url}/api/v1/auth/login`, { data: { username: "admin", password: "file-modes-password" } })).status()).toBe(200);

  const first = await start(env);
  try {
    // A sign-in writes (WAL) and signs a token with a key derived from secret.key.
    await signIn(first.url);
    expect(mode(dataDir)).toBe("700");
    expect(Object.fromEntries(files.map((f) => [path.basename(f), mode(f)]))).toEqual({
      "console.db": "600",
      "console.db-wal": "600",
      "console.db-shm": "600",
      "secret.key": "600",
    });
  } finally {
    await first.stop();
  }

  // What an older version (or a DATA_DIR made beforehand with mkdir) left behind: readable by everyone.
  chmodSync(dataDir, 0o755);
  for (const f of files) {
    try {
      chmodSync(f, 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err; // WAL/SHM may be gone after a clean stop
    }
  }
  const second = await start(env);
  try {
    await signIn(second.url);
    expect(mode(dataDir)).toBe("700");
    for (const f of files) expect(mode(f), path.basename(f)).toBe("600");
  } finally {
    await second.stop();
  }
});
