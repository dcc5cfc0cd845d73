// GET/PATCH/DELETE /api/v1/specs/{id}. Auth: user (GET, listed only), admin (PATCH, DELETE).
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { deleteSpec, getSpec, updateSpec } from "@/server/specs/specs.service";

export const GET = handle(api.getSpec, ({ principal, params }) => getSpec(principal, params.id));
export const PATCH = handle(api.updateSpec, ({ principal, params, body }) => updateSpec(principal, params.id, body));
export const DELETE = handle(api.deleteSpec, ({ principal, params }) => deleteSpec(principal, params.id));
