// GET /api/v1/users/me/audit-events?action=&targetType=&targetId=&result=&from=&to=: what the caller did.
// Auth: user.
import { api } from "@/lib/contracts";
import { listMyAuditEvents } from "@/server/audit/audit.service";
import { handle } from "@/server/http/route";

export const GET = handle(api.listMyAuditEvents, ({ principal, query }) => listMyAuditEvents(principal, query));
