// GET /api/v1/admin/billing/revenue?from=&to=: revenue per day and per spec. Auth: admin.
import { api } from "@/lib/contracts";
import { revenue } from "@/server/billing/billing.service";
import { handle } from "@/server/http/route";

export const GET = handle(api.revenue, ({ query }) => revenue(query));
