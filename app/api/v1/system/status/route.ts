// GET /api/v1/system/status: jobs, runs and workers at a glance. Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { systemStatus } from "@/server/jobs/queue.service";

export const GET = handle(api.systemStatus, () => systemStatus());
