// GET /api/v1/instances/{id}/logs?tail=&since=&timestamps=. Auth: user (own instances; admins: any).
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { instanceLogs } from "@/server/instances/logs";

export const GET = handle(api.instanceLogs, ({ principal, params, query }) => instanceLogs(principal, params.id, query));
