// GET /api/v1/runs/{id}/logs?tail=. Auth: user (own runs; admins: any).
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { runLogs } from "@/server/jobs/run-logs";

export const GET = handle(api.runLogs, ({ principal, params, query }) => runLogs(principal, params.id, query.tail, query.file));
