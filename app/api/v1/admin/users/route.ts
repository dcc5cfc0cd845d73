// GET /api/v1/admin/users: users with search, role/active filters and pagination. Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { listUsers } from "@/server/users/users.service";

export const GET = handle(api.adminListUsers, async ({ query }) => ({ ...(await listUsers(query)), ...query }));
