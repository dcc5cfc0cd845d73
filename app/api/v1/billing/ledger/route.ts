// GET /api/v1/billing/ledger?kind=&from=&to=&userId=: ledger entries, newest first.
// Auth: user (own; admins: any user's with userId).
import { api } from "@/lib/contracts";
import { listLedger } from "@/server/billing/billing.service";
import { handle } from "@/server/http/route";

export const GET = handle(api.listLedger, ({ principal, query }) => listLedger(principal, query));
