// GET /api/v1/billing/usage?from=&to=&groupBy=day|instance&utcOffset=&instanceId=&userId=:
// usage per instance and day (or per instance), summed from the ledger. Auth: user (own;
// admins: any user's with userId).
import { api } from "@/lib/contracts";
import { usage } from "@/server/billing/billing.service";
import { handle } from "@/server/http/route";

export const GET = handle(api.billingUsage, ({ principal, query }) => usage(principal, query));
