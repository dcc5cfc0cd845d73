// GET /api/v1/admin/audit-events?actor=&action=&targetType=&targetId=&result=&requestId=&from=&to=&q=: the audit log.
// Auth: admin.
import { api } from "@/lib/contracts";
import { listAuditEvents } from "@/server/audit/audit.service";
import { handle } from "@/server/http/route";

export const GET = handle(api.listAuditEvents, ({ query }) => listAuditEvents(query));
