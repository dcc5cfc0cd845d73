// Hostile input at the HTTP edge, signed out and signed in: oversized bodies (declared and
// streamed) are refused with 413 before they are read, socket.io messages over the limit
// close only their own connection, and lone surrogates or undecodable paths on every route
// of the OpenAPI document are a 400 with the API's error body, never a 500.
import { request as httpRequest } from "node:http";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bearer, cookieSignIn, expect, test, uniq } from "../fixtures";
import { start } from "../process";
import { connect, outcome } from "../socket";

const MiB = 2 ** 20;

type Sent = { status: number; body: string; ms: number; sentBytes: number };

/**
 * POSTs a body of up to `total` bytes in 64 KiB pieces (one buffer reused, never allocated
 * whole), declared by Content-Length or chunked, and stops sending once an answer arrives.
 */
function postStream(url: string, opts: { total: number; declare: boolean; headers?: Record<string, string> }): Promise<Sent> {
  const piece = Buffer.alloc(64 * 1024, 0x20);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let sentBytes = 0;
    let answered = false;
    const headers: Record<string, string> = { "content-type": "application/json", ...opts.headers };
    if (opts.declare) headers["content-length"] = String(opts.total);
    const req = httpRequest(url, { method: "POST", headers }, (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - started, sentBytes });
        req.destroy();
      });
    });
    // Once the server has answered and closed, our unsent rest fails to write: expected.
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    const pump = () => {
      while (!answered && sentBytes < opts.total) {
        const n = Math.min(piece.length, opts.total - sentBytes);
        sentBytes += n;
        if (!req.write(n === piece.length ? piece : piece.subarray(0, n))) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

function expectError(sent: Sent, status: number, code: string) {
  expect(sent.status, sent.body).toBe(status);
  const body = JSON.parse(sent.body) as { error: { code: string; message: string; requestId: string } };
  expect(body.error).toMatchObject({ code, message: expect.any(String), requestId: expect.any(String) });
}

test.describe("request bodies", () => {
  test("a 300 MB sign-in body is refused with 413 at once, declared or streamed", async ({ baseURL, clientIp }) => {
    const url = `${baseURL}/api/v1/auth/login`;
    const headers = { "x-forwarded-for": clientIp };
    const declared = await postStream(url, { total: 300 * MiB, declare: true, headers });
    expectError(declared, 413, "PAYLOAD_TOO_LARGE");
    expect(declared.ms).toBeLessThan(3_000);
    const streamed = await postStream(url, { total: 300 * MiB, declare: false, headers });
    expectError(streamed, 413, "PAYLOAD_TOO_LARGE");
    expect(streamed.ms).toBeLessThan(3_000);
    // Refused near the 64 KiB limit, not after reading everything.
    expect(streamed.sentBytes).toBeLessThan(64 * MiB);
  });

  test("next-auth's sign-in endpoint has the same limit", async ({ baseURL, clientIp }) => {
    const url = `${baseURL}/api/auth/callback/credentials`;
    const headers = { "x-forwarded-for": clientIp, "content-type": "application/x-www-form-urlencoded" };
    expectError(await postStream(url, { total: 300 * MiB, declare: true, headers }), 413, "PAYLOAD_TOO_LARGE");
    expectError(await postStream(url, { total: 300 * MiB, declare: false, headers }), 413, "PAYLOAD_TOO_LARGE");
  });

  test("a route that needs more (a node with TLS material) takes it; the default stays small", async ({ api, adminToken }) => {
    const pem = `-----BEGIN CERTIFICATE-----\n${"A".repeat(19_000)}\n-----END CERTIFICATE-----`;
    // About 100 KB of JSON: over the 64 KiB default, within the node routes' limit. The
    // answer is the address check's, so the body was read and validated, not refused.
    const node = await api.post("/api/v1/nodes", {
      headers: bearer(adminToken),
      data: {
        name: `big-${uniq()}`,
        dockerAddress: "not-an-address",
        sshPassword: "p".repeat(19_000),
        caCert: pem,
        clientCert: pem,
        clientKey: "x".repeat(19_000),
      },
    });
    expect(node.status()).toBe(400);
    expect((await node.json()).error.issues.map((i: { path: string }) => i.path)).toContain("dockerAddress");
    const big = await api.patch("/api/v1/users/me", { headers: bearer(adminToken), data: { nickname: "x".repeat(100_000) } });
    expect(big.status()).toBe(413);
    expect((await big.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  test("three parallel 300 MB bodies leave the server's memory where it was", async ({}, testInfo) => {
    test.skip(testInfo.project.metadata.db !== "sqlite", "one process measurement is enough");
    const c = await start({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "aic-bodies-")), ADMIN_PASSWORD: "bodies-admin-pw" });
    try {
      const url = `${c.url}/api/v1/auth/login`;
      // Warm up the route so its first compilation does not count as growth.
      await postStream(url, { total: 10, declare: true });
      const before = rssMiB(c.child.pid!);
      const sent = await Promise.all([
        postStream(url, { total: 300 * MiB, declare: false }),
        postStream(url, { total: 300 * MiB, declare: false }),
        postStream(url, { total: 300 * MiB, declare: true }),
      ]);
      const after = rssMiB(c.child.pid!);
      testInfo.annotations.push({ type: "server RSS", description: `${Math.round(before)} MiB → ${Math.round(after)} MiB` });
      for (const s of sent) expectError(s, 413, "PAYLOAD_TOO_LARGE");
      expect(after - before).toBeLessThan(64);
      expect((await fetch(`${c.url}/api/health`)).status).toBe(200);
    } finally {
      await c.stop();
    }
  });
});

test("a socket.io message over the limit closes that connection only; the server carries on", async ({ baseURL, clientIp, newUser }) => {
  const u = await newUser();
  const bystander = connect(baseURL!, "/system", { token: u.token, ip: clientIp });
  const sender = connect(baseURL!, "/system", { token: u.token, ip: clientIp });
  expect(await Promise.all([outcome(bystander), outcome(sender)])).toEqual([{ connected: true }, { connected: true }]);
  const dropped = new Promise<string>((resolve) => sender.once("disconnect", resolve));
  sender.emit("ping", "x".repeat(200 * 1024));
  expect(await dropped).toBe("transport close");
  expect(await bystander.timeout(5_000).emitWithAck("ping")).toMatchObject({ pong: true, userId: u.id });
  const again = connect(baseURL!, "/system", { token: u.token, ip: clientIp });
  expect(await outcome(again)).toEqual({ connected: true });
  bystander.disconnect();
  again.disconnect();
});

test("a lone surrogate in the browser's sign-in is a 400 naming the field", async ({ playwright, baseURL, clientIp, newUser }) => {
  const ctx = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": clientIp } });
  const { csrfToken } = (await (await ctx.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await ctx.post("/api/auth/callback/credentials", {
    headers: { "content-type": "application/json" },
    data: `{"csrfToken":"${csrfToken}","username":"\\ud800","password":"x","json":"true"}`,
    maxRedirects: 0,
  });
  expect(res.status()).toBe(400);
  expect((await res.json()).error).toMatchObject({ code: "VALIDATION_FAILED", issues: [{ path: "username" }] });
  // The same endpoint still signs a real user in.
  const u = await newUser();
  await cookieSignIn(ctx, u.username, u.password);
  await ctx.dispose();
});

type Schema = { type?: string; anyOf?: Schema[]; properties?: Record<string, Schema>; required?: string[]; enum?: unknown[]; minimum?: number };
type Operation = {
  parameters: { in: "path" | "query"; name: string; schema: Schema }[];
  requestBody?: { content: { "application/json": { schema: Schema } } };
};

const isString = (s: Schema): boolean => s.type === "string" || (s.anyOf ?? []).some(isString);

/** A plausible value for a schema: the walk varies one field, the rest just has to be there. */
function sample(s: Schema): unknown {
  if (s.anyOf) return sample(s.anyOf.find((a) => a.type !== "null") ?? s.anyOf[0]!);
  if (s.enum) return s.enum[0];
  if (s.type === "string") return "sample";
  if (s.type === "integer" || s.type === "number") return s.minimum ?? 1;
  if (s.type === "boolean") return false;
  if (s.type === "array") return [];
  return {};
}

test("every route of the OpenAPI document answers hostile strings and paths with a 400, never a 500", async ({ api, adminToken }) => {
  test.setTimeout(120_000);
  const doc = (await (await api.get("/api/openapi.json")).json()) as { paths: Record<string, Record<string, Operation>> };
  const failures: string[] = [];
  let checked = 0;
  const expect400 = async (label: string, res: import("@playwright/test").APIResponse, field: string) => {
    checked++;
    const text = await res.text();
    let body: { error?: { code?: string; message?: string; requestId?: string; issues?: { path: string }[] } } = {};
    try {
      body = JSON.parse(text);
    } catch {
      /* reported below */
    }
    const e = body.error;
    const named = e?.issues?.some((i) => i.path === field);
    if (res.status() !== 400 || e?.code !== "VALIDATION_FAILED" || !e.message || !e.requestId || !named) {
      failures.push(`${label}: ${res.status()} ${text.slice(0, 160)}`);
    }
  };

  for (const [template, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const pathParams = op.parameters.filter((p) => p.in === "path");
      const fill = (value: string) => template.replace(/\{[^}]+\}/g, value);
      const headers = { ...bearer(adminToken), "content-type": "application/json" };
      const send = (url: string, data?: string) => api.fetch(url, { method: method.toUpperCase(), headers, data, maxRedirects: 0 });

      // Invalid UTF-8, and an encoded lone surrogate, in each path parameter.
      for (const bad of ["%ff", "%ed%a0%80"]) {
        if (pathParams.length) await expect400(`${method} ${fill(bad)}`, await send(fill(bad)), "path");
      }
      // A lone surrogate in each string field of the body (sent as the JSON escape \ud800).
      const schema = op.requestBody?.content["application/json"].schema;
      for (const [field, prop] of Object.entries(schema?.properties ?? {})) {
        if (!isString(prop)) continue;
        const body = Object.fromEntries((schema!.required ?? []).map((k) => [k, sample(schema!.properties![k]!)]));
        body[field] = "\ud800";
        await expect400(`${method} ${template} body.${field}`, await send(fill("sample-id"), JSON.stringify(body)), field);
      }
      // Query strings cannot carry a lone surrogate (percent-decoding replaces malformed
      // UTF-8), but malformed ones must not break anything either.
      if (method === "get") {
        for (const q of op.parameters.filter((p) => p.in === "query" && isString(p.schema))) {
          for (const bad of ["%ff", "%ed%a0%80"]) {
            checked++;
            const res = await send(`${fill("sample-id")}?${q.name}=${bad}`);
            if (res.status() >= 500) failures.push(`${method} ${template}?${q.name}=${bad}: ${res.status()} ${(await res.text()).slice(0, 160)}`);
          }
        }
      }
    }
  }
  expect(failures).toEqual([]);
  expect(checked).toBeGreaterThan(100);
});

test("pages with an undecodable path get a plain 400, not a 500", async ({ request }) => {
  for (const path of ["/instances/%ff", "/%ff", "/admin/users/%ed%a0%80"]) {
    const res = await request.get(path, { maxRedirects: 0 });
    expect(res.status(), path).toBe(400);
  }
});

test.describe("security headers", () => {
  test("HSTS only when PUBLIC_URL is https", async ({ request }, testInfo) => {
    test.skip(testInfo.project.metadata.db !== "sqlite", "headers do not depend on the database");
    // The shared console has no PUBLIC_URL: plain HTTP on a LAN must not be pinned to https.
    expect((await request.get("/api/health")).headers()["strict-transport-security"]).toBeUndefined();
    const c = await start({
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "aic-hsts-")),
      ADMIN_PASSWORD: "hsts-admin-pw",
      PUBLIC_URL: "https://console.example",
    });
    try {
      for (const p of ["/api/health", "/login", "/api/v1/users/me", "/api/health/%ff", "/socket.io/?EIO=4&transport=polling"]) {
        const res = await request.get(`${c.url}${p}`, { maxRedirects: 0 });
        expect(res.headers()["strict-transport-security"], p).toBe("max-age=31536000; includeSubDomains");
      }
    } finally {
      await c.stop();
    }
  });

  test("API answers forbid running anything; pages get a fresh nonce-based CSP", async ({ request }) => {
    const json = await request.get("/api/health");
    expect(json.headers()["content-security-policy"]).toContain("default-src 'none'");
    expect(json.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    const a = (await request.get("/login")).headers()["content-security-policy"] ?? "";
    const b = (await request.get("/login")).headers()["content-security-policy"] ?? "";
    expect(a).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(a).not.toBe(b);
    // A page path that merely ends like a file is still a page: signed out, it goes to sign-in.
    for (const p of ["/instances/x.js", "/dashboard/%3Cscript%3E.css", "/billing.png"]) {
      const res = await request.get(p, { maxRedirects: 0 });
      expect(res.status(), p).toBe(307);
      expect(res.headers().location, p).toContain("/login?callbackUrl=");
    }
    // The icons stay public.
    for (const p of ["/favicon.ico", "/icon.svg"]) expect((await request.get(p, { maxRedirects: 0 })).status(), p).toBe(200);
  });
});
