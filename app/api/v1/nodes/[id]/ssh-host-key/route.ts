// POST /api/v1/nodes/{id}/ssh-host-key {fingerprint}: trust the host key the node presents now.
// Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { trustHostKey } from "@/server/nodes/nodes.service";

export const POST = handle(api.trustHostKey, ({ params, body }) => trustHostKey(params.id, body.fingerprint));
