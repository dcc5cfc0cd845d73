// GET /api/v1/clusters/{id}/partitions: partitions with their prices (cached reads). Auth: user.
import { api } from "@/lib/contracts";
import { clusterPartitions } from "@/server/clusters/clusters.service";
import { handle } from "@/server/http/route";

export const GET = handle(api.clusterPartitions, ({ params }) => clusterPartitions(params.id));
