// GET /api/v1/jobs: my jobs (admins: all). POST: define a job. Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { createJob, listJobs } from "@/server/jobs/jobs.service";

export const GET = handle(api.listJobs, ({ principal, query }) => listJobs(principal, query));
export const POST = handle(api.createJob, ({ principal, body }) => createJob(principal, body));
