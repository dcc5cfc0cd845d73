// GET /api/v1/billing/ledger/export?kind=&from=&to=&userId=: the ledger as CSV.
// Auth: user (own; admins: any user's with userId).
import { Readable } from "node:stream";
import { api } from "@/lib/contracts";
import { ledgerCsv } from "@/server/billing/billing.service";
import { handle } from "@/server/http/route";

export const GET = handle(api.exportLedger, async ({ principal, query }) => {
  const lines = ledgerCsv(principal, query);
  // The first line is produced before answering, so a refusal (403) is an error, not a file.
  const first = await lines.next();
  async function* all() {
    if (!first.done) yield first.value;
    yield* lines;
  }
  return new Response(Readable.toWeb(Readable.from(all())) as ReadableStream, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="ledger.csv"', "cache-control": "no-store" },
  });
});
