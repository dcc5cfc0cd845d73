// GET/POST /api/v1/nodes: compute nodes (secrets write-only). Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { createNode, listNodes } from "@/server/nodes/nodes.service";

export const GET = handle(api.listNodes, async ({ query }) => ({ ...(await listNodes(query)), ...query }));
export const POST = handle(api.createNode, ({ body }) => createNode(body));
