// GET /api/v1/admin/users: users with search, role/active filters and pagination.
// POST /api/v1/admin/users: create an account. Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { adminCreateUser, listUsers } from "@/server/users/users.service";

export const GET = handle(api.adminListUsers, async ({ query }) => ({ ...(await listUsers(query)), ...query }));
export const POST = handle(api.adminCreateUser, ({ body }) => adminCreateUser(body));
