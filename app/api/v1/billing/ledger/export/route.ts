// GET /api/v1/billing/ledger/export?kind=&from=&to=&userId=: the ledger as CSV.
// Auth: user (own; admins: any user's with userId).
import { api } from "@/lib/contracts";
import { ledgerCsv } from "@/server/billing/billing.service";
import { handle } from "@/server/http/route";
import { csvResponse } from "@/server/http/stream";

export const GET = handle(api.exportLedger, ({ principal, query }) => csvResponse(ledgerCsv(principal, query), "ledger.csv"));
