// GET/PATCH/DELETE /api/v1/webhooks/{id}: one webhook endpoint I manage. Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { deleteWebhook, getWebhook, updateWebhook } from "@/server/webhooks/webhooks.service";

export const GET = handle(api.getWebhook, ({ principal, params }) => getWebhook(principal, params.id));
export const PATCH = handle(api.updateWebhook, ({ principal, params, body }) => updateWebhook(principal, params.id, body));
export const DELETE = handle(api.deleteWebhook, ({ principal, params }) => deleteWebhook(principal, params.id));
