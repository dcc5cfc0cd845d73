// GET /api/v1/clusters/{id}/nodes: the cluster's nodes and the jobs on them (cached reads). Auth: user.
import { api } from "@/lib/contracts";
import { clusterNodes } from "@/server/clusters/clusters.service";
import { handle } from "@/server/http/route";

export const GET = handle(api.clusterNodes, ({ principal, params }) => clusterNodes(principal, params.id));
