// GET/POST /api/v1/users/me/tokens: my personal API tokens; the secret is shown once. Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { createToken, listTokens } from "@/server/users/tokens.service";

export const GET = handle(api.listTokens, async ({ principal }) => ({ items: await listTokens(principal) }));
export const POST = handle(api.createToken, ({ principal, body }) => createToken(principal, body));
