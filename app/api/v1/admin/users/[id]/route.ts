// PATCH /api/v1/admin/users/{id}: change role or active flag (ends that user's sessions). Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { adminUpdateUser } from "@/server/users/users.service";

export const PATCH = handle(api.adminUpdateUser, ({ principal, params, body }) => adminUpdateUser(principal, params.id, body));
