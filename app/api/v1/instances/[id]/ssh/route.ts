// GET /api/v1/instances/{id}/ssh: the ssh command, ~/.ssh/config stanza and host key for
// reaching an instance through the jump host. Auth: user (own instances; admins: any).
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { sshAccess } from "@/server/ssh/access";

export const GET = handle(api.instanceSsh, ({ principal, params, req }) => sshAccess(principal, params.id, req.headers.get("host")));
