import "server-only";
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { api } from "@/lib/contracts";
import { DEFAULT_MAX_BODY_BYTES, type Endpoint, maxBodyBytesOf } from "@/lib/contracts/endpoint";
import { declaredTooLarge, payloadTooLarge } from "./body";
import { type AppError, errorBody, validationError } from "./errors";

// Checks on every HTTP request before Next.js sees it (server/main.ts): a path that is not
// valid percent-encoded UTF-8 would make Next answer a plain-text 500, and a declared body
// larger than its route accepts is refused before a byte of it is read. Bodies without a
// Content-Length are counted while read, by handle() and guardBody() (server/http/body.ts).

const LIMITS = (Object.values(api) as Endpoint[])
  .filter((e) => e.maxBodyBytes !== undefined)
  .map((e) => ({ method: e.method, path: new RegExp(`^${e.path.replace(/\./g, "\\.").replace(/\{[^/]+\}/g, "[^/]+")}/?$`), limit: maxBodyBytesOf(e) }));

/** What a body sent to this method and path may weigh (pages and next-auth: the default). */
export function bodyLimitFor(method: string | undefined, path: string): number {
  return LIMITS.find((l) => l.method === method && l.path.test(path))?.limit ?? DEFAULT_MAX_BODY_BYTES;
}

export const HSTS = "max-age=31536000; includeSubDomains";

const LINGER_MS = 2_000;

/**
 * Closing a connection whose client is still sending (an oversized body refused unread)
 * makes the kernel answer with a reset, and clients then lose the 413 they were sent. Like
 * nginx's lingering close: end our side, drop whatever still arrives for a moment, then close.
 */
export function lingerOnClose(socket: Socket): void {
  socket.destroySoon = () => {
    if (socket.writable) socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  };
}

function pathOf(url: string): string {
  const q = url.search(/[?#]/);
  return q === -1 ? url : url.slice(0, q);
}

function isDecodablePath(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers["x-request-id"];
  return typeof incoming === "string" && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
}

/** The usual JSON error under /api (and for targets that are no path at all), plain text for pages. */
function refuse(req: IncomingMessage, res: ServerResponse, err: AppError, close: boolean, json = pathOf(req.url ?? "/").startsWith("/api/")): void {
  const requestId = requestIdOf(req);
  const headers: Record<string, string> = { "x-request-id": requestId };
  // An unread body would otherwise be drained from a kept-alive connection.
  if (close) headers.connection = "close";
  if (json) {
    res.writeHead(err.status, { ...headers, "content-type": "application/json" });
    res.end(JSON.stringify(errorBody(err, requestId)));
  } else {
    res.writeHead(err.status, { ...headers, "content-type": "text/plain; charset=utf-8" });
    res.end(`${err.message}\n`);
  }
}

/**
 * The request target as a path: an absolute-form target ("GET http://host/x HTTP/1.1", as
 * proxies send) becomes its path and query; anything else that is not a path ("*") is null.
 */
export function originForm(url: string): string | null {
  if (url.startsWith("/")) return url;
  if (!/^https?:\/\//i.test(url)) return null;
  const rest = url.slice(url.indexOf("//") + 2);
  const slash = rest.search(/[/?#]/);
  if (slash === -1) return "/";
  return rest[slash] === "/" ? rest.slice(slash) : `/${rest.slice(slash)}`;
}

/** Answers the request itself when it must not reach Next.js; true when it did. */
export function gate(req: IncomingMessage, res: ServerResponse): boolean {
  const target = originForm(req.url ?? "/");
  if (target === null) {
    refuse(req, res, validationError([{ path: "path", message: "must be a path (or an absolute http URL)" }], "path"), false, true);
    return true;
  }
  // Everything after this (Next.js included) sees the same origin-form path.
  req.url = target;
  const path = pathOf(target);
  if (!isDecodablePath(path)) {
    refuse(req, res, validationError([{ path: "path", message: "is not valid percent-encoded UTF-8" }], "path"), false);
    return true;
  }
  const length = req.headers["content-length"];
  if (declaredTooLarge(length, DEFAULT_MAX_BODY_BYTES)) {
    const limit = bodyLimitFor(req.method, path);
    if (declaredTooLarge(length, limit)) {
      refuse(req, res, payloadTooLarge(limit), true);
      return true;
    }
  }
  return false;
}
