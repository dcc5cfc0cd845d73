// GET /api/v1/recharge/records: my redeemed codes. Auth: user.
import { api } from "@/lib/contracts";
import { records } from "@/server/billing/recharge.service";
import { handle } from "@/server/http/route";

export const GET = handle(api.listRechargeRecords, ({ principal, query }) => records(principal, query));
