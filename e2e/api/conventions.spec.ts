// API conventions every route follows: health, OpenAPI/Swagger, error shape, request ids,
// rate limit, CSRF Origin check, and no special treatment for x-middleware-subrequest.
import { bearer, cookieSignIn, expect, test } from "../fixtures";

test("health answers status, database, version and uptime", async ({ api }) => {
  const res = await api.get("/api/health");
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({ status: "ok", database: "ok", version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  expect(Number.isInteger(body.uptimeSeconds)).toBe(true);
});

test("the OpenAPI 3.1 document lists the routes, and Swagger UI loads from the console", async ({ api }) => {
  const res = await api.get("/api/openapi.json");
  expect(res.status()).toBe(200);
  const doc = await res.json();
  expect(doc.openapi).toBe("3.1.0");
  const ops = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, m]) => Object.keys(m).map((x) => `${x.toUpperCase()} ${p}`));
  expect(ops).toEqual(
    expect.arrayContaining([
      "POST /api/v1/auth/login",
      "POST /api/v1/auth/register",
      "GET /api/v1/users/me",
      "PATCH /api/v1/users/me",
      "POST /api/v1/users/me/password",
      "GET /api/v1/users/me/tokens",
      "POST /api/v1/users/me/tokens",
      "DELETE /api/v1/users/me/tokens/{id}",
      "GET /api/v1/admin/users",
      "PATCH /api/v1/admin/users/{id}",
      "GET /api/health",
    ]),
  );
  const login = doc.paths["/api/v1/auth/login"].post;
  expect(login.requestBody.content["application/json"].schema.required).toEqual(expect.arrayContaining(["username", "password"]));
  expect(login.responses["429"]).toBeTruthy();

  const docs = await api.get("/api/docs");
  expect(docs.status()).toBe(200);
  expect(docs.headers()["content-type"]).toContain("text/html");
  for (const asset of ["/vendor/swagger-ui/swagger-ui-bundle.js", "/vendor/swagger-ui/swagger-ui.css", "/swagger-init.js"]) {
    expect((await api.get(asset)).status(), asset).toBe(200);
  }
});

test("errors carry code, message and the request id; unknown API paths are JSON 404s", async ({ api }) => {
  const res = await api.get("/api/v1/users/me", { headers: { "x-request-id": "trace-123" } });
  expect(res.status()).toBe(401);
  expect(res.headers()["x-request-id"]).toBe("trace-123");
  expect(await res.json()).toEqual({
    error: { code: "UNAUTHENTICATED", message: "Sign in first", messageKey: "serverMessages.signInFirst", params: {}, requestId: "trace-123" },
  });

  const missing = await api.get("/api/v1/no-such-thing");
  expect(missing.status()).toBe(404);
  expect((await missing.json()).error.code).toBe("NOT_FOUND");
});

test("cookie-authenticated writes need the console's own Origin; bearer calls do not", async ({ playwright, baseURL, clientIp, newUser }) => {
  const u = await newUser();
  const browser = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": clientIp } });
  await cookieSignIn(browser, u.username, u.password);
  expect((await (await browser.get("/api/v1/users/me")).json()).id).toBe(u.id);

  const foreign = await browser.patch("/api/v1/users/me", { headers: { origin: "https://evil.example" }, data: { nickname: "pwned" } });
  expect(foreign.status()).toBe(403);
  expect((await foreign.json()).error.code).toBe("ORIGIN_REFUSED");
  const none = await browser.patch("/api/v1/users/me", { data: { nickname: "no-origin" } });
  expect(none.status()).toBe(403);
  const own = await browser.patch("/api/v1/users/me", { headers: { origin: baseURL! }, data: { nickname: "mine" } });
  expect(own.status()).toBe(200);
  expect((await (await browser.get("/api/v1/users/me")).json()).nickname).toBe("mine");
  await browser.dispose();

  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": clientIp } });
  const viaToken = await api.patch("/api/v1/users/me", { headers: { ...bearer(u.token), origin: "https://evil.example" }, data: { nickname: "cli" } });
  expect(viaToken.status()).toBe(200);
  await api.dispose();
});

test("x-middleware-subrequest gets no special treatment", async ({ api }) => {
  const header = { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" };
  const page = await api.get("/dashboard", { headers: header, maxRedirects: 0 });
  expect(page.status()).toBe(307);
  expect(page.headers().location).toContain("/login");
  const admin = await api.get("/admin/users", { headers: header, maxRedirects: 0 });
  expect(admin.status()).toBe(307);
  expect((await api.get("/api/v1/users/me", { headers: header })).status()).toBe(401);
  expect((await api.get("/api/v1/admin/users", { headers: header })).status()).toBe(401);
});

test("signed-out page requests go to /login with the way back", async ({ api }) => {
  const res = await api.get("/admin/users?x=1", { maxRedirects: 0 });
  expect(res.status()).toBe(307);
  expect(res.headers().location).toBe("/login?callbackUrl=%2Fadmin%2Fusers%3Fx%3D1");
  expect((await api.get("/login")).status()).toBe(200);
});

test("security headers are set on pages", async ({ api }) => {
  const res = await api.get("/login");
  expect(res.headers()["x-frame-options"]).toBe("DENY");
  expect(res.headers()["x-content-type-options"]).toBe("nosniff");
  expect(res.headers()["x-powered-by"]).toBeUndefined();
});
