// POST /api/v1/instances/{id}/start {withoutGpu?}. Auth: user (own instances; admins: any).
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { startInstance } from "@/server/instances/start";

export const POST = handle(api.startInstance, ({ principal, params, body }) => startInstance(principal, params.id, body));
