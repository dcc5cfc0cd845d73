// POST /api/v1/notifications/{id}/read: marks one of my notifications read. Auth: user (own
// only; another user's is 404).
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { readNotification } from "@/server/notifications/notifications.service";

export const POST = handle(api.readNotification, ({ principal, params }) => readNotification(principal, params.id));
