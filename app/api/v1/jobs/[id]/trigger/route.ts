// POST /api/v1/jobs/{id}/trigger: queue a run now. Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { triggerJob } from "@/server/jobs/jobs.service";

export const POST = handle(api.triggerJob, ({ principal, params }) => triggerJob(principal, params.id));
