// GET/POST /api/v1/webhooks: my webhook endpoints (scope=platform: the platform's, administrators). Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { createWebhook, listWebhooks } from "@/server/webhooks/webhooks.service";

export const GET = handle(api.listWebhooks, ({ principal, query }) => listWebhooks(principal, query));
export const POST = handle(api.createWebhook, ({ principal, body }) => createWebhook(principal, body));
