import "server-only";
import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import { on } from "../events";
import { userRoom } from "./namespace";
import { registerSystemNamespace } from "./system";

// socket.io on the same HTTP server and port as the pages (path /socket.io). Namespaces:
// /system (ping); later issues add /terminal and /stats.

export function createRealtime(server: HttpServer): { io: Server; close: () => Promise<void> } {
  // destroyUpgrade: false leaves other WebSocket upgrades (Next.js dev HMR) alone.
  const io = new Server(server, { path: "/socket.io", serveClient: false, destroyUpgrade: false });
  const namespaces = [registerSystemNamespace(io)];
  const off = on("user.sessionsRevoked", ({ userId }) => {
    for (const nsp of namespaces) nsp.in(userRoom(userId)).disconnectSockets(true);
  });
  return {
    io,
    close: async () => {
      off();
      await io.close();
    },
  };
}
