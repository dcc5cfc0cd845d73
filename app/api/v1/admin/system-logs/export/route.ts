// GET /api/v1/admin/system-logs/export?day=YYYY-MM-DD: one UTC day of the system log (NDJSON download).
// Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { ndjsonResponse } from "@/server/http/stream";
import { systemLogDay } from "@/server/system/system-logs.service";

export const GET = handle(api.exportSystemLogs, ({ query, requestId }) => {
  const res = ndjsonResponse(systemLogDay(query.day), requestId);
  res.headers.set("content-disposition", `attachment; filename="system-log-${query.day}.ndjson"`);
  return Promise.resolve(res);
});
