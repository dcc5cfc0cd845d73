// GET /api/v1/billing/summary: my balance, burn rate and how long it lasts. Auth: user.
import { api } from "@/lib/contracts";
import { summary } from "@/server/billing/billing.service";
import { handle } from "@/server/http/route";

export const GET = handle(api.billingSummary, ({ principal }) => summary(principal.userId));
