// PUT/DELETE /api/v1/clusters/{id}/users/{userId}: a user's Slurm user name on the cluster. Auth: admin.
import { api } from "@/lib/contracts";
import { removeClusterUser, setClusterUser } from "@/server/clusters/clusters.service";
import { handle } from "@/server/http/route";

export const PUT = handle(api.setClusterUser, ({ params, body }) => setClusterUser(params.id, params.userId, body.slurmUser));
export const DELETE = handle(api.removeClusterUser, ({ params }) => removeClusterUser(params.id, params.userId));
