// GET /api/v1/clusters/{id}/status: health and load (cached reads). Auth: user.
import { api } from "@/lib/contracts";
import { clusterOverview } from "@/server/clusters/clusters.service";
import { handle } from "@/server/http/route";

export const GET = handle(api.clusterOverview, ({ params }) => clusterOverview(params.id));
