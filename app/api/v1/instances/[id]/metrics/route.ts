// GET /api/v1/instances/{id}/metrics?from=&to=&step=: container stats history.
// Auth: user (own instances; admins: any).
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { instanceMetrics } from "@/server/metrics/instance-stats.service";

export const GET = handle(api.instanceMetrics, ({ principal, params, query }) => instanceMetrics(principal, params.id, query));
