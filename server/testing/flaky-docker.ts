import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// A Docker engine whose connection breaks on cue: an HTTP proxy on a unix socket in front
// of the local engine. A request matching a rule is dropped before the engine sees it
// (`before`), or done by the engine with its answer lost (`after`); either way the client
// sees "socket hang up", as on a flaky network.

type Rule = { method: string; path: RegExp; when: "before" | "after"; times: number };

export type FlakyDocker = {
  address: string;
  /** Breaks the next `times` requests matching method and path. */
  breakNext: (method: string, path: RegExp, when: "before" | "after", times?: number) => void;
  close: () => Promise<void>;
};

export async function flakyDocker(upstream = "/var/run/docker.sock"): Promise<FlakyDocker> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "aic-flaky-"));
  const socketPath = path.join(dir, "docker.sock");
  const rules: Rule[] = [];
  const agent = new http.Agent({ keepAlive: false });
  const server = http.createServer((req, res) => {
    const rule = rules.find((r) => r.times > 0 && r.method === req.method && r.path.test(req.url ?? ""));
    if (rule) rule.times--;
    if (rule?.when === "before") {
      req.socket.destroy();
      return;
    }
    const up = http.request({ socketPath: upstream, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      if (rule?.when === "after") {
        answer.resume();
        answer.on("end", () => req.socket.destroy());
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    up.on("error", () => req.socket.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    address: `unix://${socketPath}`,
    breakNext: (method, p, when, times = 1) => rules.push({ method, path: p, when, times }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
