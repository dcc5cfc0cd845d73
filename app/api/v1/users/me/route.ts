// GET/PATCH /api/v1/users/me: the signed-in user's profile. Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { getProfile, updateMe } from "@/server/users/users.service";

export const GET = handle(api.getMe, ({ principal }) => getProfile(principal.userId));
export const PATCH = handle(api.updateMe, ({ principal, body }) => updateMe(principal, body));
