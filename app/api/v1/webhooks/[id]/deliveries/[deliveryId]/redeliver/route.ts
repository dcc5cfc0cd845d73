// POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver: send it again now. Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { redeliver } from "@/server/webhooks/webhooks.service";

export const POST = handle(api.redeliverWebhook, ({ principal, params }) => redeliver(principal, params.id, params.deliveryId));
