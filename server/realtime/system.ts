import "server-only";
import type { Server } from "socket.io";
import { authenticatedNamespace, type AppSocket } from "./namespace";

// /system: `ping` → ack { pong, ts, userId }. Lets clients (and tests) check the realtime link.

export function registerSystemNamespace(io: Server) {
  const nsp = authenticatedNamespace(io, "/system");
  nsp.on("connection", (socket: AppSocket) => {
    socket.on("ping", (ack: unknown) => {
      if (typeof ack === "function") ack({ pong: true, ts: Date.now(), userId: socket.data.principal.userId });
    });
  });
  return nsp;
}
