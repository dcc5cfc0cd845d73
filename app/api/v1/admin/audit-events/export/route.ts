// GET /api/v1/admin/audit-events/export?(the list's filters): every matching event as CSV.
// Auth: admin.
import { api } from "@/lib/contracts";
import { auditCsv } from "@/server/audit/audit.service";
import { handle } from "@/server/http/route";
import { csvResponse } from "@/server/http/stream";

export const GET = handle(api.exportAuditEvents, ({ query }) => csvResponse(auditCsv(query), "audit-events.csv"));
