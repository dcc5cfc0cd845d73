// POST /api/v1/webhooks/{id}/rotate-secret: a new signing secret, shown once. Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { rotateWebhookSecret } from "@/server/webhooks/webhooks.service";

export const POST = handle(api.rotateWebhookSecret, ({ principal, params }) => rotateWebhookSecret(principal, params.id));
