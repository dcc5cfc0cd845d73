// GET /api/v1/clusters/{id}/users: console users with another Slurm user name. Auth: admin.
import { api } from "@/lib/contracts";
import { clusterUsers } from "@/server/clusters/clusters.service";
import { handle } from "@/server/http/route";

export const GET = handle(api.clusterUsers, async ({ params, query }) => ({ ...(await clusterUsers(params.id, query)), ...query }));
