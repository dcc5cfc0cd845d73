import "server-only";
import type { Server } from "socket.io";
import { on } from "../events";
import { startNotifications } from "../notifications/sources";
import { authenticatedNamespace, userRoom } from "./namespace";

// /notifications: the server emits `notification` (as in GET /api/v1/notifications) to the
// user it is for, the moment it is stored, so the bell updates without a reload. Also
// starts storing notifications from this process's domain events.

export function registerNotificationsNamespace(io: Server) {
  const nsp = authenticatedNamespace(io, "/notifications");
  const sources = startNotifications();
  const off = on("notification.created", ({ userId, notification }) => nsp.to(userRoom(userId)).emit("notification", notification));
  return {
    nsp,
    close: async () => {
      off();
      await sources.stop();
    },
  };
}
