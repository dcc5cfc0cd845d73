// POST /api/v1/admin/users/{id}/adjustments: credit or debit a balance with a reason. Auth: admin.
import { api } from "@/lib/contracts";
import { adjust } from "@/server/billing/billing.service";
import { handle } from "@/server/http/route";

export const POST = handle(api.createAdjustment, ({ principal, params, body }) => adjust(principal, params.id, body));
