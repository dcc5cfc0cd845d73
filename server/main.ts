import "server-only";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import next from "next";
import { handleAppRequest, handleAppUpgrade, startApps } from "./apps/listener";
import { isAppHost, openApp } from "./apps/proxy";
import { bootstrap } from "./bootstrap";
import { disconnectDb } from "./db/client";
import { env } from "./env";
import { CLIENT_IP_HEADER, resolveClientIp } from "./http/client-ip";
import { gate, HSTS, lingerOnClose } from "./http/gate";
import { prepareRateLimits } from "./http/rate-limit";
import { logger } from "./logger";
import { serveMetrics } from "./metrics/exporter";
import { createRealtime } from "./realtime/io";
import { startJumpHost } from "./realtime/ssh/jump-host";
import { startSystemLog } from "./system/system-logs.service";
import { runRecoverAdmin } from "./users/recover-admin";
import { workers } from "./workers";
import { startJobNudges } from "./workers/jobs";
import { startWorkers } from "./workers/runner";
import { startWebhooks } from "./workers/webhooks";

// The console's one process: Next.js (pages and /api), socket.io on the same HTTP server and
// port, the SSH jump host (SSH_PORT), the app proxy (APPS_PORT), and the background workers.

async function main(): Promise<void> {
  const e = env();
  if (process.argv[2] === "migrate") {
    await bootstrap();
    await disconnectDb();
    return;
  }
  if (process.argv[2] === "recover-admin") return runRecoverAdmin(process.argv.slice(3));
  // next-auth reads these from the environment.
  if (e.PUBLIC_URL) process.env.NEXTAUTH_URL = e.PUBLIC_URL;
  else process.env.AUTH_TRUST_HOST = "true";

  await bootstrap();
  const stopSystemLog = startSystemLog();
  const limits = await prepareRateLimits();
  if (limits === "redis-unreachable") logger.warn("Redis unreachable: rate limits count in memory until it answers");
  else logger.info({ store: limits }, "rate limits ready");

  const app = next({ dev: e.NODE_ENV === "development", dir: process.cwd(), hostname: e.HOST, port: e.PORT });
  await app.prepare();
  const handleRequest = app.getRequestHandler();
  const handleUpgrade = app.getUpgradeHandler();

  // Only a console reached over https may tell browsers to insist on it.
  const hsts = e.PUBLIC_URL ? new URL(e.PUBLIC_URL).protocol === "https:" : false;
  const server = createServer((req, res) => {
    if (hsts) res.setHeader("strict-transport-security", HSTS);
    if (gate(req, res)) return;
    // The console's links to apps: they send the browser on to the app's origin.
    if (req.url?.startsWith("/apps/")) {
      void openApp(req, res).catch((err: unknown) => {
        logger.error({ err }, "opening an app failed");
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    // Decided here from the socket, never taken from the client: see server/http/client-ip.ts.
    req.headers[CLIENT_IP_HEADER] = resolveClientIp(req, e.TRUST_PROXY);
    if (req.url === "/metrics" || req.url?.startsWith("/metrics?")) {
      void serveMetrics(req, res);
      return;
    }
    void handleRequest(req, res);
  });
  // Idle keep-alive connections stay open longer than clients and load balancers keep theirs
  // (60 s is common): a server that closes first races the client's next request on the same
  // connection, which then fails with a reset (and a browser does not retry a POST).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on("connection", lingerOnClose);
  const realtime = createRealtime(server);
  // socket.io answers its own requests (before the handler above): HSTS on those too.
  if (hsts) {
    realtime.io.engine.on("headers", (headers: Record<string, string>) => {
      headers["strict-transport-security"] = HSTS;
    });
  }
  server.on("upgrade", (req, socket, head) => {
    if (!req.url?.startsWith("/socket.io")) void handleUpgrade(req, socket, head);
  });
  // An app's own domain (APPS_DOMAIN) pointed at the console: the app proxy answers everything
  // there, /socket.io included (socket.io put its own handlers in front of the others).
  for (const event of ["request", "upgrade"] as const) {
    const handlers = server.listeners(event) as ((...args: unknown[]) => void)[];
    server.removeAllListeners(event);
    server.on(event, (req: IncomingMessage, ...rest: unknown[]) => {
      if (!isAppHost(req)) for (const h of handlers) h.call(server, req, ...rest);
      else if (event === "request") handleAppRequest(req, rest[0] as ServerResponse);
      else handleAppUpgrade(req, rest[0] as Duplex, rest[1] as Buffer);
    });
  }
  const running = startWorkers(workers());
  const stopNudges = startJobNudges();
  const webhooks = startWebhooks();

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(e.PORT, e.HOST, resolve);
  });
  logger.info({ url: `http://${e.HOST === "0.0.0.0" ? "localhost" : e.HOST}:${e.PORT}`, db: e.dbProvider }, "console listening");
  const jumpHost = await startJumpHost();
  const apps = await startApps();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    stopNudges();
    await webhooks.stop();
    await jumpHost?.close();
    await apps.close();
    await running.stop();
    await realtime.close(); // also closes the HTTP server
    await stopSystemLog();
    await disconnectDb();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err: unknown) => {
  logger.fatal({ err }, "console failed to start");
  process.exit(1);
});
