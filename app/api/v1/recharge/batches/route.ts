// GET /api/v1/recharge/batches: batches with usage, newest first. Auth: admin.
import { api } from "@/lib/contracts";
import { listBatches } from "@/server/billing/recharge.service";
import { handle } from "@/server/http/route";

export const GET = handle(api.listRechargeBatches, ({ query }) => listBatches(query));
