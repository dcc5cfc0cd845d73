// POST /api/v1/webhooks/{id}/test: queue a webhook.test event to this endpoint. Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { testWebhook } from "@/server/webhooks/webhooks.service";

export const POST = handle(api.testWebhook, ({ principal, params }) => testWebhook(principal, params.id));
