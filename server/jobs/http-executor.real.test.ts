// The http executor against a real local HTTP server (allowlisted, as an administrator
// would): status, latency, headers and the first 64 KiB kept; accepted statuses; timeouts;
// redirects checked again (a redirect to the metadata address is refused) and secrets not
// sent to another origin; internal addresses refused when not allowlisted.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowlistOf } from "../adapters/egress";
import { RESPONSE_KEEP_BYTES, runHttpRequest } from "./http-executor";

let server: Server;
let base: string;
const allow = allowlistOf(["127.0.0.1/32", "::1/128"]);

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/ok") return void res.writeHead(200, { "content-type": "application/json", "x-run": "1" }).end('{"hello":"world"}');
    if (url.pathname === "/big") return void res.writeHead(200).end("x".repeat(200 * 1024));
    if (url.pathname === "/fail") return void res.writeHead(500).end("boom");
    if (url.pathname === "/slow") return void setTimeout(() => res.writeHead(200).end("late"), 3_000);
    if (url.pathname === "/echo")
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ method: req.method, headers: req.headers }));
    if (url.pathname === "/to-metadata") return void res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
    if (url.pathname === "/to-echo") return void res.writeHead(307, { location: "/echo" }).end();
    if (url.pathname === "/to-other-origin")
      return void res.writeHead(302, { location: `http://localhost:${(server.address() as AddressInfo).port}/echo` }).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

const get = (path: string, extra: Partial<Parameters<typeof runHttpRequest>[0]> = {}) =>
  runHttpRequest({ method: "GET", url: `${base}${path}`, headers: [], acceptStatus: [], ...extra }, { timeoutMs: 1_000, allow });

describe("http executor", () => {
  it("keeps status, latency, headers and the body", async () => {
    const o = await get("/ok");
    expect(o).toMatchObject({ ok: true, status: 200, body: '{"hello":"world"}', bodyTruncated: false, error: null });
    expect(o.headers["x-run"]).toBe("1");
    expect(o.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("keeps only the first 64 KiB of a large body, saying so", async () => {
    const o = await get("/big");
    expect(o.body.length).toBe(RESPONSE_KEEP_BYTES);
    expect(o.bodyTruncated).toBe(true);
    expect(o.ok).toBe(true);
  });

  it("a status outside the accepted ones fails the run; an accepted one passes", async () => {
    expect(await get("/fail")).toMatchObject({ ok: false, status: 500, body: "boom", error: "status 500 is not an accepted status" });
    expect(await get("/fail", { acceptStatus: [500] })).toMatchObject({ ok: true, status: 500 });
  });

  it("gives up at its timeout", async () => {
    expect(await get("/slow")).toMatchObject({ ok: false, status: null, error: "no answer within 1 s", timedOut: true });
  });

  it("checks every redirect: the metadata address is refused; secrets stay with their origin", async () => {
    expect((await get("/to-metadata")).error).toContain("169.254.169.254 is a link-local (cloud metadata) address");
    const headers = [
      { name: "X-Api-Key", value: "s3cret", secret: true },
      { name: "X-Plain", value: "v", secret: false },
    ];
    const same = JSON.parse((await get("/to-echo", { headers })).body) as { headers: Record<string, string> };
    expect(same.headers["x-api-key"]).toBe("s3cret");
    const other = await get("/to-other-origin", { headers });
    expect(other.ok).toBe(true);
    const seen = JSON.parse(other.body) as { headers: Record<string, string> };
    expect(seen.headers["x-api-key"]).toBeUndefined();
    expect(seen.headers["x-plain"]).toBe("v");
  });

  it("without an allowlist, loopback, private and metadata addresses are refused before connecting", async () => {
    for (const url of [`${base}/ok`, "http://10.0.0.1/", "http://169.254.169.254/", "http://localhost/"]) {
      const o = await runHttpRequest({ method: "GET", url, headers: [], acceptStatus: [] }, { timeoutMs: 1_000, allow: null });
      expect(o.ok, url).toBe(false);
      expect(o.status, url).toBeNull();
      expect(o.error, url).toMatch(/refused: .* address; an administrator can allow it/);
    }
  });

  it("a POST sends its body", async () => {
    const o = await runHttpRequest(
      { method: "POST", url: `${base}/echo`, headers: [{ name: "content-type", value: "text/plain", secret: false }], body: "payload", acceptStatus: [] },
      { timeoutMs: 1_000, allow },
    );
    expect(JSON.parse(o.body)).toMatchObject({ method: "POST" });
  });
});
