// Sign-in, registration and throttling over HTTP. Auth: public routes.
import { ADMIN, bearer, expect, test, TEST_FUNDS_CENTS, uniq } from "../fixtures";

test("login with username or email answers a working bearer token", async ({ api, newUser }) => {
  const u = await newUser();
  for (const login of [u.username, u.email.toUpperCase()]) {
    const res = await api.post("/api/v1/auth/login", { data: { username: login, password: u.password } });
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(body.user).toMatchObject({ id: u.id, username: u.username, role: "user", balanceCents: TEST_FUNDS_CENTS });
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    const me = await api.get("/api/v1/users/me", { headers: bearer(body.token) });
    expect((await me.json()).username).toBe(u.username);
  }
});

test("logout ends the login token it came with; the user's other tokens keep working", async ({ api, newUser }) => {
  const u = await newUser();
  const login = async () => (await (await api.post("/api/v1/auth/login", { data: { username: u.username, password: u.password } })).json()).token as string;
  const [a, b] = [await login(), await login()];
  expect((await api.post("/api/v1/auth/logout", { headers: bearer(a) })).status()).toBe(204);
  const refused = await api.get("/api/v1/users/me", { headers: bearer(a) });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.message).toBe("Signed out; sign in again");
  expect((await api.get("/api/v1/users/me", { headers: bearer(b) })).status()).toBe(200);
  expect((await api.post("/api/v1/auth/logout")).status()).toBe(401);
});

test("wrong password is 401 and says nothing about which part was wrong", async ({ api, newUser }) => {
  const u = await newUser();
  for (const [username, password] of [
    [u.username, "wrong-password"],
    [`nobody${uniq()}`, "whatever"],
  ]) {
    const res = await api.post("/api/v1/auth/login", { data: { username, password } });
    expect(res.status()).toBe(401);
    expect((await res.json()).error).toMatchObject({ code: "INVALID_CREDENTIALS", message: "Wrong username or password" });
  }
});

test("invalid bodies are 400 naming the field", async ({ api }) => {
  const res = await api.post("/api/v1/auth/login", { data: { username: "", password: 5 } });
  expect(res.status()).toBe(400);
  const { error } = await res.json();
  expect(error.code).toBe("VALIDATION_FAILED");
  expect(error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["password", "username"]);
  expect(error.message).toContain("username");
  expect(error.requestId).toBeTruthy();

  const bad = await api.post("/api/v1/auth/login", { headers: { "content-type": "application/json" }, data: Buffer.from("{not json") });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.code).toBe("INVALID_JSON");
});

test("more than 10 sign-in attempts a minute from one address get 429 with Retry-After", async ({ playwright, baseURL, newUser }) => {
  const u = await newUser();
  const from = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { "x-forwarded-for": `10.99.${uniq(1).charCodeAt(0) % 250}.${1 + Math.floor(Math.random() * 250)}` },
  });
  const codes: number[] = [];
  for (let i = 0; i < 10; i++) {
    codes.push((await from.post("/api/v1/auth/login", { data: { username: u.username, password: u.password } })).status());
  }
  expect(codes).toEqual(Array(10).fill(200));
  const limited = await from.post("/api/v1/auth/login", { data: { username: u.username, password: u.password } });
  expect(limited.status()).toBe(429);
  expect(Number(limited.headers()["retry-after"])).toBeGreaterThan(0);
  expect((await limited.json()).error.code).toBe("RATE_LIMITED");
  await from.dispose();
});

test("5 consecutive failures lock the account for 15 minutes, from any address", async ({ playwright, baseURL, newUser }) => {
  const u = await newUser();
  for (let i = 0; i < 5; i++) {
    const ctx = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": `10.77.${i}.${1 + Math.floor(Math.random() * 250)}` } });
    expect((await ctx.post("/api/v1/auth/login", { data: { username: u.username, password: "wrong" } })).status()).toBe(401);
    await ctx.dispose();
  }
  const ctx = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": "10.78.0.1" } });
  const locked = await ctx.post("/api/v1/auth/login", { data: { username: u.username, password: u.password } });
  expect(locked.status()).toBe(429);
  expect((await locked.json()).error.code).toBe("ACCOUNT_LOCKED");
  const retryAfter = Number(locked.headers()["retry-after"]);
  expect(retryAfter).toBeGreaterThan(14 * 60);
  expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  await ctx.dispose();
});

test("register creates a user who can sign in; duplicates are 409 and bad input 400", async ({ api }) => {
  const username = `r${uniq()}`;
  const data = { username, email: `${username}@example.com`, password: "a-long-password" };
  const res = await api.post("/api/v1/auth/register", { data });
  expect(res.status()).toBe(201);
  expect(await res.json()).toMatchObject({ username, email: data.email, role: "user", isActive: true, balanceCents: 0 });
  expect(JSON.stringify(await res.json())).not.toMatch(/password/i);

  const dup = await api.post("/api/v1/auth/register", { data: { ...data, email: `x${data.email}` } });
  expect(dup.status()).toBe(409);
  expect((await dup.json()).error.issues[0].path).toBe("username");

  const dupEmail = await api.post("/api/v1/auth/register", { data: { ...data, username: `${username}x` } });
  expect(dupEmail.status()).toBe(409);
  expect((await dupEmail.json()).error.issues[0].path).toBe("email");

  const bad = await api.post("/api/v1/auth/register", { data: { username: "a b", email: "nope", password: "short", role: "admin" } });
  expect(bad.status()).toBe(400);
  const paths = (await bad.json()).error.issues.map((i: { path: string }) => i.path);
  expect(paths).toEqual(expect.arrayContaining(["username", "email", "password"]));

  const login = await api.post("/api/v1/auth/login", { data: { username, password: data.password } });
  expect(login.status()).toBe(200);
});

test("the admin from ADMIN_PASSWORD can sign in", async ({ api }) => {
  const res = await api.post("/api/v1/auth/login", { data: ADMIN });
  expect(res.status()).toBe(200);
  expect((await res.json()).user.role).toBe("admin");
});

test("auth config tells whether registration is open", async ({ api }) => {
  const res = await api.get("/api/v1/auth/config");
  expect(res.status()).toBe(200);
  expect(typeof (await res.json()).registrationEnabled).toBe("boolean");
});
