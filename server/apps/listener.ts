import "server-only";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { env } from "../env";
import { logger } from "../logger";
import { appsPort, markListenerDown } from "./origins";
import { serveApp, startAppSweeps, upgradeApp } from "./proxy";
import { closeUpstreams } from "./upstream";

// The app listener: apps in path mode (/apps/<instance>/<port>/) on a port of their own, so
// they run on an origin apart from the console's; app domains are served here too.

function failed(err: unknown, res: ServerResponse | Duplex): void {
  logger.error({ err }, "app proxy request failed");
  if ("headersSent" in res) {
    if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end('{"error":{"code":"INTERNAL","message":"App proxy error"}}');
    else res.destroy();
  } else res.destroy();
}

export const handleAppRequest = (req: IncomingMessage, res: ServerResponse) => void serveApp(req, res).catch((err) => failed(err, res));
export const handleAppUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => void upgradeApp(req, socket, head).catch((err) => failed(err, socket));

/** Starts the app listener (unless APPS_PORT is 0) and the websocket checks; answers its port. */
export async function startApps(): Promise<{ port: number | null; close: () => Promise<void> }> {
  const stopSweeps = startAppSweeps();
  const closeProxy = async () => {
    stopSweeps();
    closeUpstreams();
  };
  const port = appsPort();
  if (!port) return { port: null, close: closeProxy };
  const server = createServer(handleAppRequest);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // Uploads to an app (JupyterLab's) may take longer than Node's default 5 minutes.
  server.requestTimeout = 0;
  server.on("upgrade", handleAppUpgrade);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, env().HOST, resolve);
    });
  } catch (err) {
    // The console itself still serves; apps wait for a free port (or APPS_DOMAIN).
    if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
    markListenerDown();
    logger.error({ port }, `The app listener's port ${port} is in use: web apps in instances are off until APPS_PORT names a free port (or 0)`);
    return { port: null, close: closeProxy };
  }
  const bound = (server.address() as { port: number }).port;
  logger.info({ port: bound }, "app proxy listening");
  return {
    port: bound,
    close: async () => {
      await closeProxy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
