// GET /api/v1/nodes/{id}/events: online/offline history, newest first. Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { nodeEvents } from "@/server/nodes/nodes.service";

export const GET = handle(api.nodeEvents, async ({ params, query }) => ({ ...(await nodeEvents(params.id, query)), ...query }));
