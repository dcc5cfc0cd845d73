// POST /api/v1/auth/logout: ends the login token (or browser session) of the request. Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { signOutPrincipal } from "@/server/users/sessions.service";

export const POST = handle(api.logout, ({ principal }) => signOutPrincipal(principal));
