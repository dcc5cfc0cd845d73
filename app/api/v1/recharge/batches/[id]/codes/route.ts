// GET /api/v1/recharge/batches/{id}/codes?status=: a batch's codes. Auth: admin.
import { api } from "@/lib/contracts";
import { listCodes } from "@/server/billing/recharge.service";
import { handle } from "@/server/http/route";

export const GET = handle(api.listBatchCodes, ({ params, query }) => listCodes(params.id, query));
