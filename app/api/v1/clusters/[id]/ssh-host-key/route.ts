// POST /api/v1/clusters/{id}/ssh-host-key: trust the login node's new host key. Auth: admin.
import { api } from "@/lib/contracts";
import { trustHostKey } from "@/server/clusters/clusters.service";
import { handle } from "@/server/http/route";

export const POST = handle(api.trustClusterHostKey, ({ params, body }) => trustHostKey(params.id, body.hostKey));
