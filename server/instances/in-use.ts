import "server-only";
import { AppError, type MessageRef, ref } from "../http/errors";
import { liveUsers } from "./instances.repo";

// Images, specs and nodes cannot be deleted while live instances use them.

/** Throws a 409 naming the live instances that use an image, spec or node. */
export async function assertUnused(what: MessageRef, by: { imageId?: string; specId?: string; nodeId?: string }): Promise<void> {
  const { names, total } = await liveUsers(by);
  if (!total) return;
  const more = total - names.length;
  const key = total === 1 ? "serverMessages.inUse.one" : more > 0 ? "serverMessages.inUse.manyMore" : "serverMessages.inUse.many";
  const quoted = names.map((name) => ref("serverMessages.inUse.quoted", { name }));
  throw new AppError("CONFLICT", ref(key, { what, total, names: quoted, ...(more > 0 ? { more } : {}) }));
}
