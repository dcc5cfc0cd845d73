import "server-only";
import { env } from "../env";
import type { AppMode } from "./grants";

// Where apps are served. Never on the console's origin: an app's scripts would then read the
// console's API with the user's cookie. Path mode serves /apps/<instance>/<port>/ on the app
// listener (APPS_PORT, another origin); domain mode serves <instance>-<port>.<APPS_DOMAIN>
// (on either listener, by Host). The console's /apps/... links lead to them.

let listenerDown = false;

/** The app listener could not listen (its port is taken): path mode is off in this process. */
export function markListenerDown(): void {
  listenerDown = true;
}

/** The app listener's port; 0 when path mode is off. */
export function appsPort(): number {
  const e = env();
  if (listenerDown) return 0;
  return e.APPS_PORT ?? Math.min(e.PORT + 1, 65535);
}

export function appsDomain(): string | null {
  return env().APPS_DOMAIN ?? null;
}

/** A Host header's name (no port, lower case; an IPv6 address in brackets), or null. */
export function hostnameOf(host: string | undefined | null): string | null {
  if (!host) return null;
  try {
    return new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}

let appHost: { domain: string; pattern: RegExp } | null = null;

/** The instance and port a domain-mode Host header names (exactly `<instance>-<port>.<APPS_DOMAIN>[:port]`), or null. */
export function parseAppHost(host: string | undefined | null): { instanceId: string; port: number } | null {
  const domain = appsDomain();
  if (!domain || !host) return null;
  if (appHost?.domain !== domain) {
    appHost = { domain, pattern: new RegExp(`^([a-z0-9]{1,40})-(\\d{1,5})\\.${domain.replace(/\./g, "\\.")}(?::\\d{1,5})?$`) };
  }
  const m = appHost.pattern.exec(host.toLowerCase());
  if (!m) return null;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { instanceId: m[1]!, port } : null;
}

/** The origin the browser is sent to for an app. `consoleHost` is the Host the console was reached at. */
export function appOrigin(mode: AppMode, instanceId: string, port: number, consoleHost: string | null): string {
  const e = env();
  const base = e.APPS_PUBLIC_URL ? new URL(e.APPS_PUBLIC_URL) : null;
  const scheme = base?.protocol ?? (e.PUBLIC_URL ? new URL(e.PUBLIC_URL).protocol : "http:");
  const portPart = (p: string) => (p ? `:${p}` : "");
  if (mode === "domain") {
    const listenerPort = base ? base.port : String(appsPort() || e.PORT);
    return `${scheme}//${instanceId}-${port}.${appsDomain()}${portPart(listenerPort)}`;
  }
  if (base) return base.origin;
  return `${scheme}//${hostnameOf(consoleHost) ?? "localhost"}:${appsPort()}`;
}

/** The console's origin, seen from an app's: PUBLIC_URL (required with APPS_DOMAIN), else the same host name on the console's port. */
export function consoleOrigin(appHost: string | undefined | null): string {
  const e = env();
  if (e.PUBLIC_URL) return new URL(e.PUBLIC_URL).origin;
  return `http://${hostnameOf(appHost) ?? "localhost"}:${e.PORT}`;
}
