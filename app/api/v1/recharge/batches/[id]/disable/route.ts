// POST /api/v1/recharge/batches/{id}/disable: disables all its codes. Auth: admin.
import { api } from "@/lib/contracts";
import { disableBatch } from "@/server/billing/recharge.service";
import { handle } from "@/server/http/route";

export const POST = handle(api.disableRechargeBatch, ({ params }) => disableBatch(params.id));
