// POST /api/v1/auth/register: self-registration. Public; 403 when an admin turned it off.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { register } from "@/server/users/users.service";

export const POST = handle(api.register, ({ body, ip }) => register(body, ip));
