import "server-only";
import { db } from "../db/client";
import { logger } from "../logger";

/** True when the database answers a trivial query within `timeoutMs`. */
export async function pingDatabase(timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const ping = db()
    .$queryRawUnsafe("SELECT 1")
    .then(() => true)
    .catch((err: unknown) => {
      logger.warn({ err: (err as Error).message }, "database ping failed");
      return false;
    });
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
