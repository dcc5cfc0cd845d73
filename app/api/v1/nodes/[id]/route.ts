// GET/PATCH/DELETE /api/v1/nodes/{id}. Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { deleteNode, getNode, updateNode } from "@/server/nodes/nodes.service";

export const GET = handle(api.getNode, ({ params }) => getNode(params.id));
export const PATCH = handle(api.updateNode, ({ params, body }) => updateNode(params.id, body));
export const DELETE = handle(api.deleteNode, ({ params }) => deleteNode(params.id));
