// POST /api/v1/runs/{id}/retry: a new attempt of an ended run. Auth: user (own runs; admins: any).
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { retryRun } from "@/server/jobs/jobs.service";

export const POST = handle(api.retryRun, ({ principal, params }) => retryRun(principal, params.id));
