// POST /api/v1/users/me/password: change the password; every older session and token ends.
// Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { changePassword } from "@/server/users/users.service";

export const POST = handle(api.changePassword, ({ principal, body }) => changePassword(principal, body.currentPassword, body.newPassword));
