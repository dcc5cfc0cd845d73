// GET /api/v1/notifications?page=&pageSize=&unread=: my notifications, newest first, with the
// unread count. Auth: user (own only).
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { listNotifications } from "@/server/notifications/notifications.service";

export const GET = handle(api.listNotifications, ({ principal, query }) => listNotifications(principal, query));
