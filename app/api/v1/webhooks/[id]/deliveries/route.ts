// GET /api/v1/webhooks/{id}/deliveries: the endpoint's delivery log. Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { listDeliveries } from "@/server/webhooks/webhooks.service";

export const GET = handle(api.listWebhookDeliveries, ({ principal, params, query }) => listDeliveries(principal, params.id, query));
