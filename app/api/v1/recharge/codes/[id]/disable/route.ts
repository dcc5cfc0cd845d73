// POST /api/v1/recharge/codes/{id}/disable. Auth: admin.
import { api } from "@/lib/contracts";
import { disableCode } from "@/server/billing/recharge.service";
import { handle } from "@/server/http/route";

export const POST = handle(api.disableRechargeCode, ({ params }) => disableCode(params.id));
