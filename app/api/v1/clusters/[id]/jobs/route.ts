// GET /api/v1/clusters/{id}/jobs: every job in the cluster's queue (cached reads). Auth: admin.
import { api } from "@/lib/contracts";
import { clusterJobs } from "@/server/clusters/clusters.service";
import { handle } from "@/server/http/route";

export const GET = handle(api.clusterJobs, async ({ params, query }) => ({
  ...(await clusterJobs(params.id, query)),
  page: query.page,
  pageSize: query.pageSize,
}));
