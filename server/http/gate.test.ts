// The checks server/main.ts makes before Next.js sees a request: undecodable paths are a
// 400 (JSON under /api), and a declared body over its route's limit a 413 that closes.
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_BODY_BYTES } from "@/lib/contracts/endpoint";
import { bodyLimitFor, gate } from "./gate";

function run(method: string, url: string, headers: Record<string, string> = {}) {
  const out: { status?: number; headers?: Record<string, string>; body?: string; url?: string } = {};
  const res = {
    writeHead(status: number, h: Record<string, string>) {
      out.status = status;
      out.headers = h;
    },
    end(body: string) {
      out.body = body;
    },
  } as unknown as ServerResponse;
  const req = { method, url, headers } as IncomingMessage;
  const answered = gate(req, res);
  return { answered, ...out, url: req.url };
}

describe("gate", () => {
  it("lets ordinary requests through", () => {
    expect(run("GET", "/api/v1/instances?name=%ff").answered).toBe(false);
    expect(run("GET", "/instances/ab%20c").answered).toBe(false);
    expect(run("POST", "/api/v1/nodes", { "content-length": String(200 * 1024) }).answered).toBe(false);
  });
  it("answers undecodable paths with a 400: JSON under /api, text for pages", () => {
    const api = run("GET", "/api/health/%ff");
    expect(api.status).toBe(400);
    expect(JSON.parse(api.body!)).toMatchObject({ error: { code: "VALIDATION_FAILED", issues: [{ path: "path" }], requestId: expect.any(String) } });
    const page = run("GET", "/instances/%ed%a0%80?x=1");
    expect(page.status).toBe(400);
    expect(page.headers!["content-type"]).toMatch(/^text\/plain/);
  });
  it("takes an absolute-form target as its path (checked like any other); a target that is no path is a JSON 400", () => {
    expect(run("GET", "http://127.0.0.1:3000/api/v1/instances?x=1")).toMatchObject({ answered: false, url: "/api/v1/instances?x=1" });
    expect(run("GET", "https://console.example")).toMatchObject({ answered: false, url: "/" });
    const bad = run("GET", "http://127.0.0.1:3000/api/health/%ff");
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body!)).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    for (const target of ["*", "example.com:443", "ftp://x/y"]) {
      const r = run("OPTIONS", target);
      expect(r.status, target).toBe(400);
      expect(r.headers!["content-type"], target).toBe("application/json");
    }
  });
  it("refuses a declared body over its route's limit and closes the connection", () => {
    const r = run("POST", "/api/v1/auth/login", { "content-length": String(300 * 2 ** 20), "x-request-id": "probe-1" });
    expect(r.status).toBe(413);
    expect(r.headers!.connection).toBe("close");
    expect(JSON.parse(r.body!)).toEqual({
      error: {
        code: "PAYLOAD_TOO_LARGE",
        message: expect.stringContaining("65536"),
        messageKey: "serverMessages.tooLarge",
        params: { limit: 65536 },
        requestId: "probe-1",
      },
    });
    expect(run("POST", "/api/auth/callback/credentials", { "content-length": String(DEFAULT_MAX_BODY_BYTES + 1) }).status).toBe(413);
  });
  it("knows which routes take more than the default", () => {
    expect(bodyLimitFor("POST", "/api/v1/nodes")).toBeGreaterThan(DEFAULT_MAX_BODY_BYTES);
    expect(bodyLimitFor("PATCH", "/api/v1/nodes/n1")).toBeGreaterThan(DEFAULT_MAX_BODY_BYTES);
    expect(bodyLimitFor("PATCH", "/api/v1/nodes/n1/extra")).toBe(DEFAULT_MAX_BODY_BYTES);
    expect(bodyLimitFor("POST", "/api/v1/auth/login")).toBe(DEFAULT_MAX_BODY_BYTES);
  });
});
