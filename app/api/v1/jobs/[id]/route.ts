// GET, PATCH, DELETE /api/v1/jobs/{id}: one of my jobs (admins: any). Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { deleteJob, getJob, updateJob } from "@/server/jobs/jobs.service";

export const GET = handle(api.getJob, ({ principal, params }) => getJob(principal, params.id));
export const PATCH = handle(api.updateJob, ({ principal, params, body, ip }) => updateJob(principal, params.id, body, ip));
export const DELETE = handle(api.deleteJob, ({ principal, params, ip }) => deleteJob(principal, params.id, ip));
