// GET /api/v1/nodes/{id}/metrics?from=&to=&step=: GPU telemetry history. Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { nodeMetrics } from "@/server/metrics/gpu.service";

export const GET = handle(api.nodeMetrics, ({ params, query }) => nodeMetrics(params.id, query));
