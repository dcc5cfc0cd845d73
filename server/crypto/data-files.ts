import "server-only";
import { chmodSync, statSync } from "node:fs";
import { sqliteFiles } from "../db/client";
import { env } from "../env";
import { secretKeyFile } from "./keys";

/**
 * The database and the secret key hold secrets, so only the console's user may read them:
 * from here on the process creates files and folders without group or other permissions
 * (SQLite gives its WAL and shared-memory files the database's mode), and files left
 * readable by older versions (or DATA_DIR made beforehand with mkdir) are tightened.
 */
export function protectDataFiles(): void {
  process.umask(0o077);
  for (const file of [env().dataDir, ...sqliteFiles(), secretKeyFile()]) {
    try {
      const { mode } = statSync(file);
      if (mode & 0o077) chmodSync(file, mode & 0o700);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
}
