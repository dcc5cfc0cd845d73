// GET /api/v1/admin/stats: platform statistics. Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { platformStats } from "@/server/system/stats.service";

export const GET = handle(api.adminStats, () => platformStats());
