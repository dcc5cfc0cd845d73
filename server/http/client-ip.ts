import "server-only";
import type { IncomingMessage } from "node:http";

// The client's address, decided once by server/main.ts from the socket (and X-Forwarded-For
// only through TRUST_PROXY hops) and passed to route handlers in an internal header that
// main.ts always overwrites, so a client cannot choose it.

export const CLIENT_IP_HEADER = "x-console-client-ip";

export function resolveClientIp(req: IncomingMessage, trustProxy: number): string {
  const socketIp = req.socket.remoteAddress ?? "unknown";
  if (trustProxy <= 0) return socketIp;
  const forwarded = String(req.headers["x-forwarded-for"] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  // The last `trustProxy` hops were appended by our proxies; the one before is the client.
  return forwarded[forwarded.length - trustProxy] ?? forwarded[0] ?? socketIp;
}

export function clientIp(headers: Headers): string {
  return headers.get(CLIENT_IP_HEADER) ?? "unknown";
}
