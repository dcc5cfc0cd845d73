import "server-only";
import { printOnce } from "../bootstrap";
import { protectDataFiles } from "../crypto/data-files";
import { disconnectDb } from "../db/client";
import { migrate } from "../db/migrate";
import { AppError } from "../http/errors";
import { recoverAdmin } from "./users.service";

// The `recover-admin <username>` command (`npm run admin:recover -- <username>`, or
// `node dist/server.mjs recover-admin <username>`): run by the operator on the server when no
// administrator can sign in. Works while the console runs; the account's old sessions end.

export async function runRecoverAdmin(args: string[]): Promise<void> {
  const [login, ...rest] = args;
  if (!login || rest.length > 0) {
    process.stderr.write("Usage: npm run admin:recover -- <username or email>\n");
    process.exitCode = 2;
    return;
  }
  try {
    protectDataFiles();
    await migrate();
    const { username, password } = await recoverAdmin(login);
    printOnce([
      `Administrator recovered: ${username} (active, role admin; its old sessions and API tokens ended)`,
      `Password (shown only this once): ${password}`,
      "Change it under Profile after signing in.",
    ]);
  } catch (err) {
    if (!(err instanceof AppError && err.code === "NOT_FOUND")) throw err;
    process.stderr.write(`No account has the username or email "${login}"; nothing changed\n`);
    process.exitCode = 1;
  } finally {
    await disconnectDb();
  }
}
