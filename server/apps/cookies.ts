import "server-only";
import type { AppMode } from "./grants";

// Cookies between the browser and an app. The browser sends an app's origin the console's
// cookies too (cookies are per host, not per port): they are taken out, with the app's grant,
// before the request reaches the app; and an app may not set cookies named like the
// console's, for other hosts, or (in path mode) outside its prefix.

export const APP_COOKIE = "aic.app";
/** Console cookies (ours and next-auth's), with or without a prefix: never sent to or set by an app. */
const CONSOLE_COOKIE = /^(__Secure-|__Host-)?(aic\.|authjs\.|next-auth\.)/i;

/** An app's Set-Cookie as the browser may keep it: never a console cookie, never for other hosts, under the app's path. */
export function appCookie(header: string, route: { mode: AppMode; prefix: string }): string[] {
  const [pair = "", ...attrs] = header.split(";");
  const name = pair.slice(0, Math.max(0, pair.indexOf("="))).trim();
  if (!name || CONSOLE_COOKIE.test(name) || name === APP_COOKIE) return [];
  const kept = attrs.map((a) => a.trim()).filter((a) => a && !/^domain\s*=/i.test(a));
  if (route.mode === "path") {
    const at = kept.findIndex((a) => /^path\s*=/i.test(a));
    const path = at >= 0 ? kept[at]!.slice(kept[at]!.indexOf("=") + 1).trim() : "";
    // An app served without its prefix names paths as if it were at /: they move under the prefix.
    const moved = path.startsWith(route.prefix) ? path : `${path}/` === route.prefix ? route.prefix : `${route.prefix}${path.replace(/^\/+/, "")}`;
    if (at >= 0) kept.splice(at, 1);
    kept.push(`Path=${moved}`);
  }
  return [[pair.trim(), ...kept].join("; ")];
}

/** The Cookie header without the console's cookies and the app grant. */
export function appRequestCookies(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const kept = header
    .split(";")
    .map((c) => c.trim())
    .filter((c) => {
      const name = c.slice(0, Math.max(0, c.indexOf("="))).trim();
      return c && !CONSOLE_COOKIE.test(name) && name !== APP_COOKIE;
    });
  return kept.length ? kept.join("; ") : undefined;
}
