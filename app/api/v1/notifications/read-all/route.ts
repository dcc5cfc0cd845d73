// POST /api/v1/notifications/read-all: marks all my notifications read. Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { readAllNotifications } from "@/server/notifications/notifications.service";

export const POST = handle(api.readAllNotifications, ({ principal }) => readAllNotifications(principal));
