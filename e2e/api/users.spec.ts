// Profile, password, API tokens and admin user management over HTTP. Auth: user / admin.
import { bearer, expect, login, test, uniq } from "../fixtures";

test("GET and PATCH /users/me", async ({ api, newUser }) => {
  const u = await newUser();
  const me = await api.get("/api/v1/users/me", { headers: bearer(u.token) });
  expect(me.status()).toBe(200);
  const body = await me.json();
  expect(Object.keys(body).sort()).toEqual(["balanceCents", "createdAt", "email", "id", "isActive", "lastLoginAt", "nickname", "role", "username"]);

  const patched = await api.patch("/api/v1/users/me", { headers: bearer(u.token), data: { nickname: "Ada L.", email: `NEW-${u.email}` } });
  expect(patched.status()).toBe(200);
  expect(await patched.json()).toMatchObject({ nickname: "Ada L.", email: `new-${u.email}` });

  const bad = await api.patch("/api/v1/users/me", { headers: bearer(u.token), data: { email: "not-an-email", role: "admin" } });
  expect(bad.status()).toBe(400);
  const after = await (await api.get("/api/v1/users/me", { headers: bearer(u.token) })).json();
  expect(after.role).toBe("user");
  expect(after.email).toBe(`new-${u.email}`);
});

test("an email already used by someone else is 409", async ({ api, newUser }) => {
  const [a, b] = [await newUser(), await newUser()];
  const res = await api.patch("/api/v1/users/me", { headers: bearer(a.token), data: { email: b.email } });
  expect(res.status()).toBe(409);
  expect((await res.json()).error.issues[0].path).toBe("email");
});

test("without credentials every user route is 401; a bad token too", async ({ api }) => {
  for (const [method, path] of [
    ["GET", "/api/v1/users/me"],
    ["GET", "/api/v1/users/me/tokens"],
    ["GET", "/api/v1/admin/users"],
  ] as const) {
    const res = await api.fetch(path, { method });
    expect(res.status()).toBe(401);
    expect((await res.json()).error.code).toBe("UNAUTHENTICATED");
  }
  expect((await api.get("/api/v1/users/me", { headers: bearer("eyJhbGciOiJIUzI1NiJ9.e30.forged") })).status()).toBe(401);
  expect((await api.get("/api/v1/users/me", { headers: { authorization: "Basic abc" } })).status()).toBe(401);
});

test("a password change ends old tokens at once; the new password and the returned token work", async ({ api, newUser }) => {
  const u = await newUser();
  const second = await login(api, u.username, u.password);
  const res = await api.post("/api/v1/users/me/password", {
    headers: bearer(u.token),
    data: { currentPassword: u.password, newPassword: "brand-new-password" },
  });
  expect(res.status()).toBe(200);
  const { token: fresh } = await res.json();
  for (const old of [u.token, second]) {
    const r = await api.get("/api/v1/users/me", { headers: bearer(old) });
    expect(r.status()).toBe(401);
  }
  expect((await api.get("/api/v1/users/me", { headers: bearer(fresh) })).status()).toBe(200);
  expect((await api.post("/api/v1/auth/login", { data: { username: u.username, password: u.password } })).status()).toBe(401);
  expect((await api.post("/api/v1/auth/login", { data: { username: u.username, password: "brand-new-password" } })).status()).toBe(200);
});

test("password change: wrong current password is 401 naming the field; short new one is 400", async ({ api, newUser }) => {
  const u = await newUser();
  const wrong = await api.post("/api/v1/users/me/password", { headers: bearer(u.token), data: { currentPassword: "nope", newPassword: "long-enough-1" } });
  expect(wrong.status()).toBe(401);
  expect((await wrong.json()).error.issues[0].path).toBe("currentPassword");
  const short = await api.post("/api/v1/users/me/password", { headers: bearer(u.token), data: { currentPassword: u.password, newPassword: "short" } });
  expect(short.status()).toBe(400);
  expect((await short.json()).error.issues[0].path).toBe("newPassword");
  expect((await api.get("/api/v1/users/me", { headers: bearer(u.token) })).status()).toBe(200);
});

test("an API token works until revoked; its secret is shown once", async ({ api, newUser }) => {
  const u = await newUser();
  const created = await api.post("/api/v1/users/me/tokens", { headers: bearer(u.token), data: { name: "ci", expiresInDays: 7 } });
  expect(created.status()).toBe(201);
  const tk = await created.json();
  expect(tk.token).toMatch(/^aic_/);
  expect(tk.prefix).toBe(tk.token.slice(0, 12));
  expect(Date.parse(tk.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);

  const me = await api.get("/api/v1/users/me", { headers: bearer(tk.token) });
  expect((await me.json()).id).toBe(u.id);

  const list = await (await api.get("/api/v1/users/me/tokens", { headers: bearer(u.token) })).json();
  expect(list.items).toHaveLength(1);
  expect(list.items[0]).toMatchObject({ id: tk.id, name: "ci", prefix: tk.prefix, revokedAt: null });
  expect(list.items[0].lastUsedAt).not.toBeNull();
  expect(JSON.stringify(list)).not.toContain(tk.token);

  expect((await api.delete(`/api/v1/users/me/tokens/${tk.id}`, { headers: bearer(u.token) })).status()).toBe(204);
  expect((await api.get("/api/v1/users/me", { headers: bearer(tk.token) })).status()).toBe(401);
  // Idempotent, and listed as revoked.
  expect((await api.delete(`/api/v1/users/me/tokens/${tk.id}`, { headers: bearer(u.token) })).status()).toBe(204);
  const after = await (await api.get("/api/v1/users/me/tokens", { headers: bearer(u.token) })).json();
  expect(after.items[0].revokedAt).not.toBeNull();
});

test("another user's token cannot be seen or revoked (404)", async ({ api, newUser }) => {
  const [a, b] = [await newUser(), await newUser()];
  const tk = await (await api.post("/api/v1/users/me/tokens", { headers: bearer(a.token), data: { name: "mine" } })).json();
  expect((await api.delete(`/api/v1/users/me/tokens/${tk.id}`, { headers: bearer(b.token) })).status()).toBe(404);
  expect((await (await api.get("/api/v1/users/me/tokens", { headers: bearer(b.token) })).json()).items).toHaveLength(0);
  expect((await api.get("/api/v1/users/me", { headers: bearer(tk.token) })).status()).toBe(200);
});

test("token names are validated", async ({ api, newUser }) => {
  const u = await newUser();
  const res = await api.post("/api/v1/users/me/tokens", { headers: bearer(u.token), data: { name: "", expiresInDays: 0 } });
  expect(res.status()).toBe(400);
  expect((await res.json()).error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["expiresInDays", "name"]);
});

test("users get 403 on every admin route", async ({ api, newUser }) => {
  const u = await newUser();
  const calls = [
    api.get("/api/v1/admin/users", { headers: bearer(u.token) }),
    api.post("/api/v1/admin/users", { headers: bearer(u.token), data: { username: `x${uniq()}`, email: `x${uniq()}@e.com`, password: "long-password" } }),
    api.patch(`/api/v1/admin/users/${u.id}`, { headers: bearer(u.token), data: { role: "admin" } }),
    api.get("/api/v1/admin/settings", { headers: bearer(u.token) }),
    api.patch("/api/v1/admin/settings", { headers: bearer(u.token), data: { registrationEnabled: false } }),
  ];
  for (const res of await Promise.all(calls)) {
    expect(res.status()).toBe(403);
    expect((await res.json()).error.code).toBe("FORBIDDEN");
  }
  expect((await (await api.get("/api/v1/users/me", { headers: bearer(u.token) })).json()).role).toBe("user");
});

test("admin lists users with search, filters and pagination", async ({ api, adminToken, newUser }) => {
  const tag = uniq(3);
  const made = [];
  for (let i = 0; i < 3; i++) {
    const username = `l${tag}${i}`;
    const r = await api.post("/api/v1/admin/users", {
      headers: bearer(adminToken),
      data: { username, email: `${username}@example.com`, password: "long-password" },
    });
    made.push(await r.json());
  }
  const page1 = await (await api.get(`/api/v1/admin/users?search=${tag.toUpperCase()}&pageSize=2&page=1`, { headers: bearer(adminToken) })).json();
  expect(page1).toMatchObject({ total: 3, page: 1, pageSize: 2 });
  expect(page1.items).toHaveLength(2);
  const page2 = await (await api.get(`/api/v1/admin/users?search=${tag}&pageSize=2&page=2`, { headers: bearer(adminToken) })).json();
  expect(page2.items).toHaveLength(1);
  expect(new Set([...page1.items, ...page2.items].map((u: { id: string }) => u.id))).toEqual(new Set(made.map((u) => u.id)));

  const deactivated = await newUser();
  await api.patch(`/api/v1/admin/users/${deactivated.id}`, { headers: bearer(adminToken), data: { isActive: false } });
  const inactive = await (await api.get(`/api/v1/admin/users?isActive=false&search=${deactivated.username}`, { headers: bearer(adminToken) })).json();
  expect(inactive.items.map((u: { id: string }) => u.id)).toEqual([deactivated.id]);
  const admins = await (await api.get(`/api/v1/admin/users?role=admin&search=${tag}`, { headers: bearer(adminToken) })).json();
  expect(admins.total).toBe(0);

  const bad = await api.get("/api/v1/admin/users?pageSize=1000&role=root&isActive=maybe", { headers: bearer(adminToken) });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["isActive", "pageSize", "role"]);
});

test("deactivating a user ends their tokens; reactivating lets them sign in again", async ({ api, adminToken, newUser }) => {
  const u = await newUser();
  const apiToken = (await (await api.post("/api/v1/users/me/tokens", { headers: bearer(u.token), data: { name: "t" } })).json()).token;
  const res = await api.patch(`/api/v1/admin/users/${u.id}`, { headers: bearer(adminToken), data: { isActive: false } });
  expect(res.status()).toBe(200);
  expect((await res.json()).isActive).toBe(false);
  for (const t of [u.token, apiToken]) expect((await api.get("/api/v1/users/me", { headers: bearer(t) })).status()).toBe(401);
  const denied = await api.post("/api/v1/auth/login", { data: { username: u.username, password: u.password } });
  expect(denied.status()).toBe(401);
  expect((await denied.json()).error.code).toBe("ACCOUNT_DISABLED");

  await api.patch(`/api/v1/admin/users/${u.id}`, { headers: bearer(adminToken), data: { isActive: true } });
  expect((await api.post("/api/v1/auth/login", { data: { username: u.username, password: u.password } })).status()).toBe(200);
});

test("a role change takes effect at once and ends the old sessions", async ({ api, adminToken, newUser }) => {
  const u = await newUser();
  const promoted = await api.patch(`/api/v1/admin/users/${u.id}`, { headers: bearer(adminToken), data: { role: "admin" } });
  expect((await promoted.json()).role).toBe("admin");
  expect((await api.get("/api/v1/admin/users", { headers: bearer(u.token) })).status()).toBe(401);
  const fresh = await login(api, u.username, u.password);
  expect((await api.get("/api/v1/admin/users", { headers: bearer(fresh) })).status()).toBe(200);
});

test("admin cannot change their own role; unknown users are 404; bad bodies 400", async ({ api, newUser }) => {
  const admin = await newUser("admin");
  const self = await api.patch(`/api/v1/admin/users/${admin.id}`, { headers: bearer(admin.token), data: { role: "user" } });
  expect(self.status()).toBe(409);
  expect((await api.patch("/api/v1/admin/users/does-not-exist", { headers: bearer(admin.token), data: { isActive: false } })).status()).toBe(404);
  const bad = await api.patch(`/api/v1/admin/users/${admin.id}`, { headers: bearer(admin.token), data: { role: "root" } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.issues[0].path).toBe("role");
  const empty = await api.patch(`/api/v1/admin/users/${admin.id}`, { headers: bearer(admin.token), data: {} });
  expect(empty.status()).toBe(400);
});

test("admin creates accounts; duplicates are 409", async ({ api, adminToken }) => {
  const username = `c${uniq()}`;
  const data = { username, email: `${username}@example.com`, password: "long-password", role: "admin" };
  const res = await api.post("/api/v1/admin/users", { headers: bearer(adminToken), data });
  expect(res.status()).toBe(201);
  expect((await res.json()).role).toBe("admin");
  expect((await api.post("/api/v1/admin/users", { headers: bearer(adminToken), data })).status()).toBe(409);
});
