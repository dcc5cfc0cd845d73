import "server-only";
import { hkdfSync, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "../env";

// The master secret comes from APP_SECRET or from DATA_DIR/secret.key (created once, mode
// 0600). Every purpose gets its own key derived with HKDF, so no two uses share a key.

let master: Buffer | undefined;

/** Where the generated master secret is kept (unused while APP_SECRET is set). */
export function secretKeyFile(): string {
  return path.join(env().dataDir, "secret.key");
}

function loadMaster(): Buffer {
  const { APP_SECRET, dataDir } = env();
  if (APP_SECRET) return Buffer.from(APP_SECRET, "utf8");
  const file = secretKeyFile();
  try {
    return Buffer.from(readFileSync(file, "utf8").trim(), "hex");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    // "wx": when two processes start at once, only one writes and both read the same key.
    writeFileSync(file, `${randomBytes(32).toString("hex")}\n`, { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return Buffer.from(readFileSync(file, "utf8").trim(), "hex");
}

export type KeyPurpose = "session-jwt" | "login-jwt" | "secret-box" | "recharge-code" | "app-proxy" | "notebook-token";

const derived = new Map<KeyPurpose, Buffer>();

/** A 32-byte key for one purpose. */
export function deriveKey(purpose: KeyPurpose): Buffer {
  let key = derived.get(purpose);
  if (!key) {
    master ??= loadMaster();
    key = Buffer.from(hkdfSync("sha256", master, "ai-infra-console", purpose, 32));
    derived.set(purpose, key);
  }
  return key;
}
