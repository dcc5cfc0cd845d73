import "server-only";
import { migrate } from "./db/migrate";
import { env } from "./env";
import { logger } from "./logger";
import { ensureAdmin } from "./users/users.service";

// Everything that must hold before the console serves: the database schema is current and
// an administrator exists. Run at every start (and by `npm run db:migrate`, migrations only).

export async function bootstrap(): Promise<void> {
  const { dbProvider } = env();
  const applied = await migrate();
  logger.info({ dbProvider, applied }, applied.length ? "database migrated" : "database schema is current");
  const admin = await ensureAdmin();
  if (admin.created) {
    logger.info({ username: admin.username }, "administrator created");
    if (admin.generatedPassword) {
      // Shown once on the terminal, deliberately not through the logger (logs are kept).
      process.stdout.write(
        `${[
          "",
          "  ┌─────────────────────────────────────────────────────────────",
          `  │ Administrator created: ${admin.username}`,
          `  │ Password (shown only this once): ${admin.generatedPassword}`,
          "  │ Change it under Profile after signing in.",
          "  └─────────────────────────────────────────────────────────────",
          "",
        ].join("\n")}\n`,
      );
    }
  }
}
