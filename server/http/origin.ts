import "server-only";
import { env } from "../env";
import { AppError, ref } from "./errors";

// Cross-site request forgery guard for cookie-authenticated writes: the browser's Origin
// (or, failing that, Referer) must be the console itself. Bearer-token calls are exempt:
// a foreign page cannot make the browser attach a bearer token.

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function allowedOrigins(host: string | null): Set<string> {
  const origins = new Set<string>();
  const publicUrl = env().PUBLIC_URL;
  if (publicUrl) origins.add(new URL(publicUrl).origin);
  if (host) {
    origins.add(`http://${host}`);
    origins.add(`https://${host}`);
  }
  return origins;
}

export function isAllowedOrigin(origin: string | null | undefined, host: string | null | undefined): boolean {
  if (!origin) return false;
  try {
    return allowedOrigins(host ?? null).has(new URL(origin).origin);
  } catch {
    return false;
  }
}

export function checkOrigin(req: Request): void {
  if (SAFE.has(req.method)) return;
  const origin = req.headers.get("origin") ?? req.headers.get("referer");
  if (!isAllowedOrigin(origin, req.headers.get("host"))) {
    throw new AppError("ORIGIN_REFUSED", ref("serverMessages.originRefused"));
  }
}
