// GET /api/v1/gpu/overview: nodes, GPUs busy/idle, running instances, utilization. Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { gpuOverview } from "@/server/metrics/gpu.service";

export const GET = handle(api.gpuOverview, () => gpuOverview());
