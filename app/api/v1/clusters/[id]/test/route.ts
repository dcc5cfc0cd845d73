// POST /api/v1/clusters/{id}/test: reachability, release, API version, auth, partitions, login node. Auth: admin.
import { api } from "@/lib/contracts";
import { testCluster } from "@/server/clusters/clusters.service";
import { handle } from "@/server/http/route";

export const POST = handle(api.testCluster, ({ params }) => testCluster(params.id));
