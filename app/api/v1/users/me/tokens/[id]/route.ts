// DELETE /api/v1/users/me/tokens/{id}: revoke one of my API tokens. Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { revokeToken } from "@/server/users/tokens.service";

export const DELETE = handle(api.revokeToken, ({ principal, params }) => revokeToken(principal, params.id));
