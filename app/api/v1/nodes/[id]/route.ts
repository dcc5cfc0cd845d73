// GET/PATCH/DELETE /api/v1/nodes/{id}. Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { deleteNode, getNode, updateNode } from "@/server/nodes/nodes.service";

export const GET = handle(api.getNode, ({ params }) => getNode(params.id));
export const PATCH = handle(api.updateNode, ({ principal, params, body, ip }) => updateNode(principal, params.id, body, ip));
export const DELETE = handle(api.deleteNode, ({ principal, params, ip }) => deleteNode(principal, params.id, ip));
