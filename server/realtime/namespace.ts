import "server-only";
import type { Namespace, Server, Socket } from "socket.io";
import { AppError } from "../http/errors";
import { logger } from "../logger";
import { authenticateSocket, recheck, type SocketData } from "./handshake";

// An authenticated namespace: the handshake checks Origin and credentials; sockets join
// `user:<id>` so revoking a user's sessions can disconnect them, and each socket
// re-validates its credential periodically (which also covers revocations made by other
// console processes).

const RECHECK_MS = 30_000;

export type AppSocket = Omit<Socket, "data"> & { data: SocketData };

export function userRoom(userId: string): string {
  return `user:${userId}`;
}

export function authenticatedNamespace(io: Server, name: string): Namespace {
  const nsp = io.of(name);
  nsp.use((socket, next) => {
    authenticateSocket(socket)
      .then((data) => {
        socket.data = data;
        void socket.join(userRoom(data.principal.userId));
        next();
      })
      .catch((err: unknown) => {
        if (!(err instanceof AppError)) logger.error({ err }, "socket handshake failed");
        const e = err instanceof AppError ? err : new AppError("INTERNAL", "Handshake failed");
        next(Object.assign(new Error(e.message), { data: { code: e.code } }));
      });
  });
  nsp.on("connection", (socket: AppSocket) => {
    const timer = setInterval(() => {
      void recheck(socket.data).then((p) => {
        if (!p) socket.disconnect(true);
        else socket.data.principal = p;
      });
    }, RECHECK_MS);
    timer.unref();
    socket.on("disconnect", () => clearInterval(timer));
  });
  return nsp;
}
