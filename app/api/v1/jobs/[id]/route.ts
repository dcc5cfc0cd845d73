// GET /api/v1/jobs/{id}: one of my jobs. Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { getJob } from "@/server/jobs/jobs.service";

export const GET = handle(api.getJob, ({ principal, params }) => getJob(principal, params.id));
