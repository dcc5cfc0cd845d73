import "server-only";
import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import { SOCKET_MAX_MESSAGE_BYTES } from "@/lib/realtime";
import { on } from "../events";
import { type AppSocket, userRoom } from "./namespace";
import { registerNotificationsNamespace } from "./notifications";
import { registerSystemNamespace } from "./system";
import { registerStatsNamespace } from "./stats";
import { registerTerminalNamespace } from "./terminal";
import { terminals } from "../terminals/sessions";

// socket.io on the same HTTP server and port as the pages (path /socket.io). Namespaces:
// /system (ping), /terminal (web terminals), /stats (live container stats), /notifications
// (the bell's new notifications).

export function createRealtime(server: HttpServer): { io: Server; close: () => Promise<void> } {
  // destroyUpgrade: false leaves other WebSocket upgrades (Next.js dev HMR) alone. A message
  // over maxHttpBufferSize closes its connection unread (the browser terminal sends pastes
  // in pieces below it: lib/realtime.ts).
  const io = new Server(server, { path: "/socket.io", serveClient: false, destroyUpgrade: false, maxHttpBufferSize: SOCKET_MAX_MESSAGE_BYTES });
  const stats = registerStatsNamespace(io);
  const notifications = registerNotificationsNamespace(io);
  const namespaces = [registerSystemNamespace(io), registerTerminalNamespace(io), stats.nsp, notifications.nsp];
  const off = on("user.sessionsRevoked", ({ userId }) => {
    for (const nsp of namespaces) nsp.in(userRoom(userId)).disconnectSockets(true);
  });
  // Only what that credential opened: the user's other sessions and tokens stay connected.
  const offToken = on("credential.revoked", ({ userId, credentialId }) => {
    for (const nsp of namespaces) {
      for (const id of [...(nsp.adapter.rooms.get(userRoom(userId)) ?? [])]) {
        const socket = nsp.sockets.get(id) as AppSocket | undefined;
        if (socket?.data.principal.credentialId === credentialId) socket.disconnect(true);
      }
    }
  });
  return {
    io,
    close: async () => {
      off();
      offToken();
      await terminals().closeAll("shutdown");
      stats.hub.closeAll();
      stats.off();
      await notifications.close();
      await io.close();
    },
  };
}
