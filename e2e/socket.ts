import { io, type Socket } from "socket.io-client";

// socket.io clients for the end-to-end tests: one namespace, no reconnection, the test's
// client address, and a bearer token or a session cookie with an Origin.

export function connect(baseURL: string, nsp: string, opts: { token?: string; cookie?: string; origin?: string; ip: string }): Socket {
  const headers: Record<string, string> = { "x-forwarded-for": opts.ip };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.origin) headers.origin = opts.origin;
  return io(`${baseURL}${nsp}`, {
    path: "/socket.io",
    transports: ["websocket"],
    auth: opts.token ? { token: opts.token } : {},
    extraHeaders: headers,
    reconnection: false,
    forceNew: true,
    timeout: 5_000,
  });
}

export function outcome(socket: Socket): Promise<{ connected: true } | { connected: false; message: string; code?: string }> {
  return new Promise((resolve) => {
    if (socket.connected) return resolve({ connected: true });
    socket.once("connect", () => resolve({ connected: true }));
    socket.once("connect_error", (err: Error & { data?: { code?: string } }) => resolve({ connected: false, message: err.message, code: err.data?.code }));
  });
}

/** A terminal client: collects output and acknowledges it (unless frozen, like a hung tab). */
export function terminalClient(socket: Socket, opts: { ack: boolean } = { ack: true }) {
  let text = "";
  let exit: { code: number | null; reason: string } | null = null;
  socket.on("data", (data: string, ack?: () => void) => {
    text += data;
    if (opts.ack) ack?.();
  });
  socket.on("exit", (info: { code: number | null; reason: string }) => (exit = info));
  return {
    text: () => text,
    exit: () => exit,
    open: (req: { instanceId: string; cols: number; rows: number; sessionId?: string }) =>
      socket.timeout(15_000).emitWithAck("open", req) as Promise<{ sessionId?: string; error?: { code: string; message: string } }>,
    send: (data: string) => socket.emit("data", data),
  };
}
