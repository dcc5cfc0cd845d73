// POST /api/v1/recharge/codes: generate a batch of codes (shown once). Auth: admin.
import { api } from "@/lib/contracts";
import { createCodes } from "@/server/billing/recharge.service";
import { handle } from "@/server/http/route";

export const POST = handle(api.createRechargeCodes, ({ principal, body }) => createCodes(principal, body));
