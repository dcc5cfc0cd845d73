// GET/PATCH/DELETE /api/v1/instances/{id}. Auth: user (own instances; admins: any).
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { deleteInstance } from "@/server/instances/delete";
import { getInstance, updateInstance } from "@/server/instances/instances.service";

export const GET = handle(api.getInstance, ({ principal, params }) => getInstance(principal, params.id));
export const PATCH = handle(api.updateInstance, ({ principal, params, body }) => updateInstance(principal, params.id, body));
export const DELETE = handle(api.deleteInstance, ({ principal, params }) => deleteInstance(principal, params.id));
