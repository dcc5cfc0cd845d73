// POST /api/v1/auth/login: username (or email) + password → bearer token. Public; throttled
// per IP and per account.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { loginForToken } from "@/server/users/users.service";

export const POST = handle(api.login, ({ body, ip }) => loginForToken(body.username, body.password, ip));
