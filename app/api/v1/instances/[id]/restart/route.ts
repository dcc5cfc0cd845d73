// POST /api/v1/instances/{id}/restart. Auth: user (own instances; admins: any).
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { restartInstance } from "@/server/instances/restart";

export const POST = handle(api.restartInstance, ({ principal, params }) => restartInstance(principal, params.id));
