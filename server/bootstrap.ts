import "server-only";
import { protectDataFiles } from "./crypto/data-files";
import { migrate } from "./db/migrate";
import { env } from "./env";
import { logger } from "./logger";
import { ensureAdmin } from "./users/users.service";

// Everything that must hold before the console serves: the database schema is current and
// an administrator exists (or a warning says how to recover one). Run at every start (and by
// `npm run db:migrate`, migrations only).

/** Writes a secret for the operator's terminal, deliberately not through the logger (logs are kept). */
export function printOnce(lines: string[]): void {
  const rule = "─".repeat(61);
  process.stdout.write(`\n  ┌${rule}\n${lines.map((l) => `  │ ${l}\n`).join("")}  └${rule}\n\n`);
}

export async function bootstrap(): Promise<void> {
  protectDataFiles();
  const { dbProvider } = env();
  const applied = await migrate();
  logger.info({ dbProvider, applied }, applied.length ? "database migrated" : "database schema is current");
  const admin = await ensureAdmin();
  if (admin.nameTaken) {
    // Serving without an administrator beats not serving at all: users keep working, and
    // the operator recovers an admin with the command named here.
    logger.warn(
      { username: admin.nameTaken },
      `No active administrator, and ADMIN_USERNAME (${admin.nameTaken}) belongs to an account that is not an active administrator, so none was created. ` +
        "To make an account administrator with a new password, run on this server: npm run admin:recover -- <username>",
    );
  }
  if (admin.created) {
    logger.info({ username: admin.username }, "administrator created");
    if (admin.generatedPassword) {
      printOnce([
        `Administrator created: ${admin.username}`,
        `Password (shown only this once): ${admin.generatedPassword}`,
        "Change it under Profile after signing in.",
      ]);
    }
  }
}
