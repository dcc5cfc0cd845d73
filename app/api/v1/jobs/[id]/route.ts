// GET, PATCH, DELETE /api/v1/jobs/{id}: one of my jobs (admins: any). Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { deleteJob, getJob, updateJob } from "@/server/jobs/jobs.service";

export const GET = handle(api.getJob, ({ principal, params }) => getJob(principal, params.id));
export const PATCH = handle(api.updateJob, ({ principal, params, body }) => updateJob(principal, params.id, body));
export const DELETE = handle(api.deleteJob, ({ principal, params }) => deleteJob(principal, params.id));
