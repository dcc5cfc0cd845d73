// POST /api/v1/jobs/{id}/resume. Auth: user (own jobs; admins: any).
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { setJobStatus } from "@/server/jobs/jobs.service";

export const POST = handle(api.resumeJob, ({ principal, params }) => setJobStatus(principal, params.id, "active"));
