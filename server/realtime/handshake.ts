import "server-only";
import type { Socket } from "socket.io";
import { resolvePrincipal, type Principal } from "../auth/principal";
import { AppError } from "../http/errors";
import { isAllowedOrigin } from "../http/origin";

// socket.io handshake: the same credentials as the REST API (the next-auth session cookie,
// or a bearer token in `auth.token`), a refused foreign Origin, and a re-check helper for
// long-lived sockets.

export type SocketData = { principal: Principal; headers: Headers };

/** The headers a socket authenticates with: its cookie, or its `auth.token` as a bearer. */
function credentialHeaders(socket: Socket): Headers {
  const headers = new Headers();
  const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof token === "string" && token) headers.set("authorization", `Bearer ${token}`);
  else if (socket.handshake.headers.cookie) headers.set("cookie", socket.handshake.headers.cookie);
  return headers;
}

export async function authenticateSocket(socket: Socket): Promise<SocketData> {
  const { origin, host } = socket.handshake.headers;
  const headers = credentialHeaders(socket);
  // Browsers always send Origin; a foreign one is a cross-site page riding on the cookie.
  // Non-browser clients (no Origin) must bring a bearer token.
  if (origin ? !isAllowedOrigin(origin, host) : !headers.has("authorization")) {
    throw new AppError("ORIGIN_REFUSED", "Origin refused");
  }
  const principal = await resolvePrincipal(headers);
  if (!principal) throw new AppError("UNAUTHENTICATED", "Sign in first");
  return { principal, headers };
}

/** Re-validates a connected socket's credential; null when it no longer holds. */
export async function recheck(data: SocketData): Promise<Principal | null> {
  try {
    return await resolvePrincipal(data.headers);
  } catch {
    return null;
  }
}
