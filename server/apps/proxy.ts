import "server-only";
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { createProxyServer } from "httpxy";
import { recordAudit } from "../audit/audit.service";
import { checkCredential, type Principal } from "../auth/principal";
import { cookieValues, decodeSession, readCookie, secureCookies, sessionCookieName } from "../auth/session-cookie";
import { on } from "../events";
import { AppError, ref } from "../http/errors";
import { originForm } from "../http/gate";
import { resolveClientIp } from "../http/client-ip";
import { env } from "../env";
import { logger } from "../logger";
import { findProfile } from "../users/users.repo";
import { appOn, appPrefix, notebookToken } from "./apps";
import { APP_COOKIE, appCookie, appRequestCookies } from "./cookies";
import { type AppMode, type Grant, signGrant, spendTicket, verifyGrant } from "./grants";
import { appOrigin, appsDomain, appsPort, consoleOrigin, parseAppHost } from "./origins";
import { findInstance } from "../instances/instances.repo";
import { loadOwned } from "../instances/instances.service";
import { type Upstream, upstreamFor } from "./upstream";

// The app proxy. On the console's origin, /apps/<instance>/<port>/... checks the session and
// sends the browser to the app's own origin with a one-minute ticket; there the ticket becomes
// that origin's cookie, and each request is checked (grant, session still valid, owner or
// admin, instance running) and passed to the app with httpxy: websockets and streamed
// responses included. The console's cookies and Authorization header never reach the app,
// and the app cannot set cookies for the console or other apps.

const AUTH_PATH = "/__aiinfra/auth";
const START_PATH = "/__aiinfra/start";
/** The console link's query parameter that carries the app origin's state back. */
const STATE_PARAM = "aic_state";
const STATE_MS = 5 * 60_000;
/** The app origin's state cookie for one app: what ties a ticket to the browser that asked for it. */
const stateCookie = (instanceId: string, port: number) => `aic.state-${instanceId}-${port}`;
const TICKET_MS = 60_000;
const GRANT_MS = 12 * 3600_000;

const proxy = createProxyServer({});
/** What a proxied request is (for the response's cookies), by request. */
const routes = new WeakMap<IncomingMessage, { mode: AppMode; prefix: string }>();

proxy.on("proxyRes", (proxyRes, req) => {
  const route = routes.get(req);
  const cookies = proxyRes.headers["set-cookie"];
  if (route && cookies) proxyRes.headers["set-cookie"] = cookies.flatMap((c) => appCookie(c, route));
  // What would reach past the app: a service worker for the whole origin (every app on it in
  // path mode), or clearing the host's data (the console's cookies too).
  delete proxyRes.headers["service-worker-allowed"];
  delete proxyRes.headers["clear-site-data"];
});

proxy.on("error", (err, req, res) => {
  logger.debug({ err: err.message, url: req?.url }, "app proxy: upstream failed");
  if (!res) return;
  if ("writeHead" in res) {
    const r = res as ServerResponse;
    if (!r.headersSent) {
      const port = req && routes.get(req)?.prefix.split("/")[3];
      fail(r, req, 502, `Nothing answered on port ${port ?? "?"} in the instance. Is the app running and listening on that port?`);
    } else r.destroy();
  } else (res as Duplex).destroy();
});

function wantsHtml(req: IncomingMessage | undefined): boolean {
  return Boolean(req?.headers.accept?.includes("text/html"));
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function fail(
  res: ServerResponse,
  req: IncomingMessage | undefined,
  status: number,
  message: string,
  code = status === 404 ? "NOT_FOUND" : "APP_UNAVAILABLE",
): void {
  res.setHeader("cache-control", "no-store");
  if (wantsHtml(req)) {
    res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'" });
    res.end(
      `<!doctype html><meta charset="utf-8"><title>${status}</title><body style="font:15px system-ui;margin:3em auto;max-width:40em"><h1 style="font-size:20px">${escapeHtml(message)}</h1><p>AI Infra Console app proxy</p></body>`,
    );
  } else {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code, message } }));
  }
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, "cache-control": "no-store", "referrer-policy": "no-referrer" });
  res.end();
}

const APP_PATH = /^\/apps\/([a-z0-9]{1,40})\/(\d{1,5})(\/.*)?$/;

/** The instance, port and rest of a /apps/<instance>/<port>/... path; null when it is not one. */
function parseAppPath(pathAndQuery: string): { instanceId: string; port: number; rest: string | null } | null {
  const q = pathAndQuery.indexOf("?");
  const m = APP_PATH.exec(q >= 0 ? pathAndQuery.slice(0, q) : pathAndQuery);
  if (!m) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { instanceId: m[1]!, port, rest: m[3] === undefined ? null : `${m[3]}${q >= 0 ? pathAndQuery.slice(q) : ""}` };
}

// --- On the console's origin ------------------------------------------------------------

/** Whether the console's listener should hand the request to the app proxy (an app's domain). */
export function isAppHost(req: IncomingMessage): boolean {
  return parseAppHost(req.headers.host) !== null;
}

/**
 * GET /apps/<instance>/<port>/... on the console: signed in (else to the sign-in page and
 * back), the instance the caller's (else 404) and running; then to the app's origin with a
 * ticket.
 */
export async function openApp(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = originForm(req.url ?? "/") ?? "/";
  const target = parseAppPath(url);
  if (!target) return fail(res, req, 404, "No such app address: use /apps/<instance>/<port>/");
  if (target.rest === null) return redirect(res, `${appPrefix(target.instanceId, target.port)}${url.includes("?") ? url.slice(url.indexOf("?")) : ""}`);
  if (req.method !== "GET" && req.method !== "HEAD") return fail(res, req, 405, "Open apps with GET");
  const claims = await decodeSession(readCookie(req.headers.cookie, sessionCookieName()));
  const signIn = () => redirect(res, `/login?callbackUrl=${encodeURIComponent(url)}`);
  if (!claims) return signIn();
  let p: Principal;
  try {
    p = await checkCredential({ ...claims, via: "session" });
  } catch {
    return signIn();
  }
  let row: Awaited<ReturnType<typeof loadOwned>>;
  try {
    row = await loadOwned(p, target.instanceId);
  } catch {
    return fail(res, req, 404, "No such instance");
  }
  if (row.status !== "running") return fail(res, req, 409, `The instance "${row.name}" is ${row.status}: start it, then open the app again.`, "INVALID_STATE");
  const app = appOn(row.apps, target.port);
  const prefix = appPrefix(target.instanceId, target.port);
  const domain = appsDomain();
  // In path mode every app shares the app listener's origin, so one app's scripts can act in
  // the others the browser holds grants for: fine among one owner's apps, not across owners.
  // An administrator opens other users' apps only on their own domains.
  const own = row.userId === p.userId;
  // A plain app likes its own domain best (no prefix); JupyterLab knows its prefix.
  const mode: AppMode | null = domain && (app.kind === "http" || !appsPort() || !own) ? "domain" : appsPort() ? "path" : null;
  if (!mode) return fail(res, req, 404, "Apps are turned off on this console (APPS_PORT=0 and no APPS_DOMAIN)");
  if (mode === "path" && !own) {
    return fail(
      res,
      req,
      403,
      "Administrators open other users' apps only when each app has its own domain (APPS_DOMAIN): on the shared app address, one user's app could act in another's.",
      "FORBIDDEN",
    );
  }
  const origin = appOrigin(mode, target.instanceId, target.port, req.headers.host ?? null);
  // A ticket is for the browser that asked: first the app's origin gives this browser a state
  // (its own cookie there) and sends it back here with it; the ticket carries the state, and
  // the app's origin takes it only from a browser with that cookie. A ticket link made for
  // someone else (another user's, sent to a victim) opens nothing.
  const { rest, state } = takeParam(target.rest, STATE_PARAM);
  if (!state) return redirect(res, `${origin}${START_PATH}?back=${encodeURIComponent(`${prefix}${rest.slice(1)}`)}`);
  const to = mode === "path" || app.kind === "jupyter" ? `${prefix}${rest.slice(1)}` : rest;
  const exp = Math.min(Date.now() + TICKET_MS, claims.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY);
  const grant: Grant = { uid: p.userId, sv: claims.sessionVersion, iid: target.instanceId, port: target.port, mode, exp, to, st: state };
  if (claims.credentialId) grant.sid = claims.credentialId;
  if (claims.expiresAt) grant.sx = claims.expiresAt.getTime();
  redirect(res, `${origin}${AUTH_PATH}?ticket=${encodeURIComponent(signGrant("ticket", grant))}`);
}

/** A path and query without one query parameter, and that parameter's value. */
function takeParam(pathAndQuery: string, name: string): { rest: string; state: string | null } {
  const q = pathAndQuery.indexOf("?");
  if (q < 0) return { rest: pathAndQuery, state: null };
  const params = new URLSearchParams(pathAndQuery.slice(q + 1));
  const state = params.get(name);
  params.delete(name);
  const query = params.toString();
  return { rest: `${pathAndQuery.slice(0, q)}${query ? `?${query}` : ""}`, state };
}

// --- On the app's origin ----------------------------------------------------------------

/** `rest`: the path and query after the prefix in path mode, all of it in domain mode. */
type Route = { instanceId: string; port: number; mode: AppMode; prefix: string; rest: string };

function routeOf(req: IncomingMessage, url: string): Route | null | "slash" {
  const host = parseAppHost(req.headers.host);
  if (host) return { ...host, mode: "domain", prefix: appPrefix(host.instanceId, host.port), rest: url };
  const path = parseAppPath(url);
  if (!path) return null;
  if (path.rest === null) return "slash";
  return { instanceId: path.instanceId, port: path.port, mode: "path", prefix: appPrefix(path.instanceId, path.port), rest: path.rest };
}

/** The grants the request's cookies carry for this route (an app may have set look-alikes: all are tried). */
function grantFor(req: IncomingMessage, route: Route): Grant | null {
  for (const value of cookieValues(req.headers.cookie, APP_COOKIE)) {
    const g = verifyGrant("cookie", value);
    if (g && g.iid === route.instanceId && g.port === route.port && g.mode === route.mode) return g;
  }
  return null;
}

const credentialOf = (g: Grant) => ({ userId: g.uid, sessionVersion: g.sv, via: "session" as const, ...(g.sid ? { credentialId: g.sid } : {}) });

/** The app's origin is https (its cookies then need Secure). */
function secureOrigin(req: IncomingMessage): boolean {
  const e = env();
  if (e.APPS_PUBLIC_URL) return e.APPS_PUBLIC_URL.startsWith("https:");
  return secureCookies() || Boolean((req.socket as { encrypted?: boolean }).encrypted);
}

const cookieAttrs = (req: IncomingMessage, path: string, maxAgeMs: number) =>
  [`Path=${path}`, "HttpOnly", "SameSite=Lax", `Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}`, ...(secureOrigin(req) ? ["Secure"] : [])].join("; ");

/**
 * GET /__aiinfra/start?back=/apps/<instance>/<port>/...: a fresh state for this browser (a
 * cookie of this origin), then back to the console's link with it.
 */
function startTicket(req: IncomingMessage, res: ServerResponse, url: string): void {
  const back = new URLSearchParams(url.slice(url.indexOf("?") + 1)).get("back") ?? "";
  const target = /^\/(?![/\\])/.test(back) ? parseAppPath(back) : null;
  const host = parseAppHost(req.headers.host);
  if (!target || target.rest === null || (host && (host.instanceId !== target.instanceId || host.port !== target.port))) {
    fail(res, req, 400, "Not an app address");
    return;
  }
  const state = randomBytes(18).toString("base64url");
  res.setHeader("set-cookie", `${stateCookie(target.instanceId, target.port)}=${state}; ${cookieAttrs(req, "/__aiinfra/", STATE_MS)}`);
  redirect(res, `${consoleOrigin(req.headers.host)}${back}${back.includes("?") ? "&" : "?"}${STATE_PARAM}=${state}`);
}

/** GET /__aiinfra/auth?ticket=...: the ticket becomes this origin's cookie, then on to the app. */
function acceptTicket(req: IncomingMessage, res: ServerResponse, url: string): void {
  const ticket = new URLSearchParams(url.slice(url.indexOf("?") + 1)).get("ticket") ?? "";
  const g = verifyGrant("ticket", ticket);
  const host = parseAppHost(req.headers.host);
  const mode: AppMode = host ? "domain" : "path";
  // A ticket serves once, in the browser it was made for (its state cookie), on the origin it
  // was made for, and only leads into its own app.
  const fits = g && g.mode === mode && (!host || (host.instanceId === g.iid && host.port === g.port)) && typeof g.to === "string" && /^\/(?![/\\])/.test(g.to);
  const inApp = fits && (mode === "domain" || g.to!.startsWith(appPrefix(g.iid, g.port)));
  const ours = inApp && typeof g.st === "string" && cookieValues(req.headers.cookie, stateCookie(g.iid, g.port)).includes(g.st);
  if (!g || !ours || !spendTicket(g)) {
    fail(res, req, 403, "This link has expired, was already used, or was made for another browser: open the app again from the console.", "FORBIDDEN");
    return;
  }
  // Good for 12 hours, never longer than the session it came from.
  const exp = Math.min(Date.now() + GRANT_MS, g.sx ?? Number.POSITIVE_INFINITY);
  const cookie: Grant = { uid: g.uid, sv: g.sv, iid: g.iid, port: g.port, mode, exp };
  if (g.sid) cookie.sid = g.sid;
  res.setHeader("set-cookie", [
    `${APP_COOKIE}=${signGrant("cookie", cookie)}; ${cookieAttrs(req, mode === "path" ? appPrefix(g.iid, g.port) : "/", exp - Date.now())}`,
    `${stateCookie(g.iid, g.port)}=; ${cookieAttrs(req, "/__aiinfra/", 0)}`,
  ]);
  redirect(res, g.to!);
  void auditOpen(g, resolveClientIp(req, env().TRUST_PROXY)).catch(() => undefined);
}

type Admitted = { route: Route; principal: Principal; upstream: Upstream };

/** Checks a request on the app's origin; answers it (and returns null) when it may not pass. */
async function admit(req: IncomingMessage, url: string, answer: (status: number, message: string, location?: string) => void): Promise<Admitted | null> {
  const route = routeOf(req, url);
  if (route === "slash") {
    answer(301, "", `${url.split("?")[0]}/${url.includes("?") ? url.slice(url.indexOf("?")) : ""}`);
    return null;
  }
  if (!route) {
    answer(404, "Not an app address");
    return null;
  }
  // Another site (or, on app domains, another app) may navigate to an app, not call it: a
  // script's request or websocket from elsewhere would carry this browser's grant.
  const site = req.headers["sec-fetch-site"];
  if ((site === "same-site" || site === "cross-site") && req.headers["sec-fetch-mode"] !== "navigate") {
    answer(403, "Requests to an app come from the app itself");
    return null;
  }
  const grant = grantFor(req, route);
  let principal: Principal | null = null;
  if (grant) principal = await checkCredential(credentialOf(grant)).catch(() => null);
  if (!principal) {
    // Back to the console's link for the same place, which signs the browser in to this app again.
    const keepsPrefix = route.mode === "domain" && route.rest.startsWith(route.prefix);
    const location = `${consoleOrigin(req.headers.host)}${keepsPrefix ? route.rest : `${route.prefix}${route.rest.slice(1)}`}`;
    if (req.method === "GET" && wantsHtml(req)) answer(302, "", location);
    else answer(401, `Not signed in to this app: open ${location}`);
    return null;
  }
  try {
    const upstream = await upstreamFor(principal, route.instanceId, route.port);
    // Path mode is for the owner only (see openApp).
    if (route.mode === "path" && upstream.ownerId !== principal.userId) throw new AppError("NOT_FOUND", ref("serverMessages.instance.noSuchInstance"));
    return { route, principal, upstream };
  } catch (err) {
    if (err instanceof AppError && err.code === "NOT_FOUND") answer(404, "No such instance");
    else if (err instanceof AppError) answer(err.code === "RATE_LIMITED" ? 429 : 409, err.message);
    else {
      logger.warn({ err: (err as Error).message, instanceId: route.instanceId }, "app proxy: instance unreachable");
      answer(502, "The instance cannot be reached right now; try again shortly.");
    }
    return null;
  }
}

/** Sets what the app sees of the request: its path, no console credentials, who is asking. */
function prepare(req: IncomingMessage, a: Admitted): void {
  const { route, upstream } = a;
  const h = req.headers;
  const client = resolveClientIp(req, env().TRUST_PROXY);
  for (const name of Object.keys(h)) if (name.startsWith("x-forwarded-") || FORWARDING.has(name)) delete h[name];
  delete h.authorization;
  delete h["proxy-authorization"];
  const cookies = appRequestCookies(h.cookie);
  if (cookies) h.cookie = cookies;
  else delete h.cookie;
  h["x-forwarded-for"] = client;
  h["x-forwarded-proto"] = secureOrigin(req) ? "https" : "http";
  if (h.host) h["x-forwarded-host"] = h.host;
  if (route.mode === "path") h["x-forwarded-prefix"] = route.prefix.slice(0, -1);
  if (upstream.app.kind === "jupyter") h.authorization = `token ${notebookToken(route.instanceId)}`;
  // A plain app in path mode is served as if at /; JupyterLab knows its prefix.
  req.url = route.mode === "path" && upstream.app.kind === "jupyter" ? `${route.prefix}${route.rest.slice(1)}` : route.rest;
  routes.set(req, { mode: route.mode, prefix: route.prefix });
}

/** Client-sent headers that claim how the request came (Tornado trusts X-Scheme): only the proxy says. */
const FORWARDING = new Set(["forwarded", "x-real-ip", "x-scheme", "x-forwarded-ssl", "front-end-https"]);

const targetOf = (port: number) => ({ target: `http://127.0.0.1:${port}`, xfwd: false });

/** A request on the app's origin (the app listener, or an app domain on the console's). */
export async function serveApp(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = originForm(req.url ?? "/");
  if (!url) return fail(res, req, 400, "Bad request target");
  if (url === AUTH_PATH || url.startsWith(`${AUTH_PATH}?`)) return acceptTicket(req, res, url);
  if (url.startsWith(`${START_PATH}?`)) return startTicket(req, res, url);
  const admitted = await admit(req, url, (status, message, location) => {
    // Refused: the connection closes after the answer (a body nobody reads is not waited for).
    res.setHeader("connection", "close");
    if (location) res.writeHead(status, { location, "cache-control": "no-store" }).end();
    else fail(res, req, status, message);
  });
  if (!admitted) return;
  prepare(req, admitted);
  await proxy.web(req, res, { ...targetOf(admitted.route.port), agent: admitted.upstream.agent });
}

/** Websockets through the proxy per user (each is a process in a container). */
const MAX_SOCKETS_PER_USER = 200;
type LiveSocket = { socket: Duplex; grant: Grant; instanceId: string; port: number; userId: string; credentialId?: string };
/** Open websockets through the proxy, with who opened them: ended when that access ends. */
const live = new Set<LiveSocket>();

/** A websocket upgrade on the app's origin. */
export async function upgradeApp(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  socket.on("error", () => socket.destroy());
  const url = originForm(req.url ?? "/");
  const refuse = (status: number, message: string) => {
    if (!socket.writable) return void socket.destroy();
    const body = JSON.stringify({ error: { code: status === 404 ? "NOT_FOUND" : "APP_UNAVAILABLE", message } });
    socket.end(
      `HTTP/1.1 ${status} ${status === 404 ? "Not Found" : "Refused"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
  if (!url) return refuse(400, "Bad request target");
  const admitted = await admit(req, url, (status, message) => refuse(status === 302 || status === 301 ? 401 : status, message || "Not signed in to this app"));
  if (!admitted) return;
  const grant = grantFor(req, admitted.route)!;
  const mine = [...live].filter((e) => e.userId === admitted.principal.userId).length;
  if (mine >= MAX_SOCKETS_PER_USER) return refuse(429, `You have ${mine} app websockets open (at most ${MAX_SOCKETS_PER_USER}); close some tabs first.`);
  prepare(req, admitted);
  const entry: LiveSocket = {
    socket,
    grant,
    instanceId: admitted.route.instanceId,
    port: admitted.route.port,
    userId: admitted.principal.userId,
    ...(admitted.principal.credentialId ? { credentialId: admitted.principal.credentialId } : {}),
  };
  live.add(entry);
  admitted.upstream.sockets.add(socket);
  socket.once("close", () => {
    live.delete(entry);
    admitted.upstream.sockets.delete(socket);
  });
  // The agent's connections are for requests; an upgraded one leaves its pool for good.
  await proxy.ws(req, socket as never, { ...targetOf(admitted.route.port), agent: admitted.upstream.agent }, head);
}

/** Websockets whose access ended (signed out, deactivated, instance stopped or given away) are closed. */
async function sweep(match: (e: LiveSocket) => boolean = () => true): Promise<void> {
  for (const e of [...live]) {
    if (!match(e)) continue;
    try {
      const p = await checkCredential(credentialOf(e.grant));
      await upstreamFor(p, e.instanceId, e.port);
    } catch {
      e.socket.destroy();
    }
  }
}

let sweeping: NodeJS.Timeout | null = null;

/** Starts the periodic check of open websockets (every 30 s, and at once on a revocation). */
export function startAppSweeps(): () => void {
  sweeping ??= setInterval(() => void sweep().catch(() => undefined), 30_000);
  sweeping.unref();
  const offs = [
    on("user.sessionsRevoked", ({ userId }) => void sweep((e) => e.userId === userId)),
    on("credential.revoked", ({ credentialId }) => void sweep((e) => e.credentialId === credentialId)),
  ];
  return () => {
    if (sweeping) clearInterval(sweeping);
    sweeping = null;
    for (const off of offs) off();
  };
}

/** For the audit trail: an app opened (once per ticket). */
async function auditOpen(g: Grant, ip: string): Promise<void> {
  const row = await findInstance(g.iid);
  const user = await findProfile(g.uid);
  await recordAudit({
    actor: { type: "user", id: g.uid, name: user?.username ?? null },
    action: "app.open",
    target: { type: "instance", id: g.iid, name: row?.name ?? null },
    detail: { port: g.port },
    ip,
  });
}
