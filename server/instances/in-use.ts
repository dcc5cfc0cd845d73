import "server-only";
import { AppError } from "../http/errors";
import { liveUsers } from "./instances.repo";

// Images, specs and nodes cannot be deleted while live instances use them.

/** Throws a 409 naming the live instances that use an image, spec or node. */
export async function assertUnused(what: string, by: { imageId?: string; specId?: string; nodeId?: string }): Promise<void> {
  const { names, total } = await liveUsers(by);
  if (!total) return;
  const more = total > names.length ? ` and ${total - names.length} more` : "";
  throw new AppError(
    "CONFLICT",
    `${what} is used by ${total} instance${total > 1 ? "s" : ""}: ${names.map((n) => `"${n}"`).join(", ")}${more}; delete them first`,
  );
}
