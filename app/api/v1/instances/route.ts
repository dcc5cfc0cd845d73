// GET /api/v1/instances: instances (users: their own; admins: all, filter by user).
// POST /api/v1/instances: launch one (202, creation continues in the background). Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { listInstances } from "@/server/instances/instances.service";
import { createInstance } from "@/server/instances/launch";

export const GET = handle(api.listInstances, async ({ principal, query }) => ({ ...(await listInstances(principal, query)), ...query }));
export const POST = handle(api.createInstance, ({ principal, body }) => createInstance(principal, body));
