// POST /api/v1/runs/{id}/cancel: cancel a run. Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { cancelRun } from "@/server/jobs/jobs.service";

export const POST = handle(api.cancelRun, ({ principal, params }) => cancelRun(principal, params.id));
