// GET /api/v1/runs/{id}: one run. Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { getRun } from "@/server/jobs/jobs.service";

export const GET = handle(api.getRun, ({ principal, params }) => getRun(principal, params.id));
