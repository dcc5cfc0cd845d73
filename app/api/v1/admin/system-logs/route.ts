// GET /api/v1/admin/system-logs?level=&from=&to=&q=: the console's warn, error and fatal lines.
// Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { listSystemLogs } from "@/server/system/system-logs.service";

export const GET = handle(api.listSystemLogs, ({ query }) => listSystemLogs(query));
