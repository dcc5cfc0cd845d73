import "server-only";
import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import { SOCKET_MAX_MESSAGE_BYTES } from "@/lib/realtime";
import { on } from "../events";
import { userRoom } from "./namespace";
import { registerSystemNamespace } from "./system";
import { registerStatsNamespace } from "./stats";
import { registerTerminalNamespace } from "./terminal";
import { terminals } from "../terminals/sessions";

// socket.io on the same HTTP server and port as the pages (path /socket.io). Namespaces:
// /system (ping), /terminal (web terminals), /stats (live container stats).

export function createRealtime(server: HttpServer): { io: Server; close: () => Promise<void> } {
  // destroyUpgrade: false leaves other WebSocket upgrades (Next.js dev HMR) alone. A message
  // over maxHttpBufferSize closes its connection unread (the browser terminal sends pastes
  // in pieces below it: lib/realtime.ts).
  const io = new Server(server, { path: "/socket.io", serveClient: false, destroyUpgrade: false, maxHttpBufferSize: SOCKET_MAX_MESSAGE_BYTES });
  const stats = registerStatsNamespace(io);
  const namespaces = [registerSystemNamespace(io), registerTerminalNamespace(io), stats.nsp];
  const off = on("user.sessionsRevoked", ({ userId }) => {
    for (const nsp of namespaces) nsp.in(userRoom(userId)).disconnectSockets(true);
  });
  return {
    io,
    close: async () => {
      off();
      await terminals().closeAll("shutdown");
      stats.hub.closeAll();
      stats.off();
      await io.close();
    },
  };
}
