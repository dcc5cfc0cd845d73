// POST /api/v1/recharge/redeem {code}: a recharge code into my balance. Auth: user.
import { api } from "@/lib/contracts";
import { redeem } from "@/server/billing/recharge.service";
import { handle } from "@/server/http/route";

export const POST = handle(api.redeemRechargeCode, ({ principal, body }) => redeem(principal, body));
