// GET /api/v1/instances/{id}/stats: one sample of the container's usage. Auth: user (own; admins: any).
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { instanceStats } from "@/server/instances/stats";

export const GET = handle(api.instanceStats, ({ principal, params }) => instanceStats(principal, params.id));
