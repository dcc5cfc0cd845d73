// GET /api/v1/webhooks/{id}/deliveries/{deliveryId}: one delivery with its body and attempts. Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { getDelivery } from "@/server/webhooks/webhooks.service";

export const GET = handle(api.getWebhookDelivery, ({ principal, params }) => getDelivery(principal, params.id, params.deliveryId));
