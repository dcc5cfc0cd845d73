// GET/PATCH/DELETE /api/v1/clusters/{id}. Auth: user (read), admin (change, delete).
import { api } from "@/lib/contracts";
import { deleteCluster, getCluster, updateCluster } from "@/server/clusters/clusters.service";
import { handle } from "@/server/http/route";

export const GET = handle(api.getCluster, ({ principal, params }) => getCluster(principal, params.id));
export const PATCH = handle(api.updateCluster, ({ params, body }) => updateCluster(params.id, body));
export const DELETE = handle(api.deleteCluster, ({ params }) => deleteCluster(params.id));
