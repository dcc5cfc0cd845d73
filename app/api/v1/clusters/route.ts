// GET/POST /api/v1/clusters: Slurm clusters. Auth: user (list; connection details for admins), admin (register).
import { api } from "@/lib/contracts";
import { createCluster, listClusters } from "@/server/clusters/clusters.service";
import { handle } from "@/server/http/route";

export const GET = handle(api.listClusters, async ({ principal, query }) => ({ ...(await listClusters(principal, query)), ...query }));
export const POST = handle(api.createCluster, ({ body }) => createCluster(body));
