// GET /api/v1/runs: runs, newest first (filter by job and status). Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { listRuns } from "@/server/jobs/jobs.service";

export const GET = handle(api.listRuns, ({ principal, query }) => listRuns(principal, query));
