// GET /api/v1/clusters/{id}/events: status history, newest first. Auth: admin.
import { api } from "@/lib/contracts";
import { clusterEvents } from "@/server/clusters/clusters.service";
import { handle } from "@/server/http/route";

export const GET = handle(api.clusterEvents, async ({ params, query }) => ({ ...(await clusterEvents(params.id, query)), ...query }));
