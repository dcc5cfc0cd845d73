import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// Where the CLI keeps the console's address and the user's token: config.json under
// $AIINFRA_CONFIG_DIR, $XDG_CONFIG_HOME/aiinfra, %APPDATA%\aiinfra or ~/.config/aiinfra; the
// directory is 0700 and the file 0600 (it holds a token). --url / AIINFRA_URL and
// AIINFRA_TOKEN win over what is saved.

export type SavedConfig = { url?: string; token?: string; username?: string; tokenKind?: "login" | "api" };

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AIINFRA_CONFIG_DIR) return env.AIINFRA_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, "aiinfra");
  if (process.platform === "win32" && env.APPDATA) return path.join(env.APPDATA, "aiinfra");
  return path.join(os.homedir(), ".config", "aiinfra");
}

export const configFile = (env: NodeJS.ProcessEnv = process.env) => path.join(configDir(env), "config.json");

export function readConfig(env: NodeJS.ProcessEnv = process.env): SavedConfig {
  let text: string;
  try {
    text = readFileSync(configFile(env), "utf8");
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as SavedConfig) : {};
  } catch {
    throw new Error(`${configFile(env)} is not valid JSON: fix or delete it`);
  }
}

/** Writes the config atomically (a temporary file renamed over it), readable by its owner only. */
export function writeConfig(config: SavedConfig, env: NodeJS.ProcessEnv = process.env): void {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = configFile(env);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/**
 * A console address as typed, or an error naming it. Without a scheme it is https (a token
 * goes to it), except on this machine: "localhost:3000" → "http://localhost:3000".
 */
export function normalizeUrl(raw: string): string {
  const text = raw.trim();
  const local = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?(\/|$)/i.test(text);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `${local ? "http" : "https"}://${text}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new Error(`"${raw}" is not a URL (e.g. https://console.example.com)`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error(`"${raw}" must be an http or https URL`);
  if (u.username || u.password) throw new Error("the URL must not carry a user name or password: use aiinfra login");
  return `${u.origin}${u.pathname.replace(/\/+$/, "")}`;
}
