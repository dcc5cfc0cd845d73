// Guessing limits per account: sign-in failures count per account whichever login names it
// (username or email), unknown logins are throttled too, and wrong current passwords lock
// password changes. Auth: public login route; the password route as the user.
import { bearer, expect, login, test, uniq } from "../fixtures";

const LOCK_SECONDS = 15 * 60;

test("5 failures alternating username and email lock the account, even for the right password", async ({ api, newUser }) => {
  const u = await newUser();
  for (let i = 0; i < 5; i++) {
    const res = await api.post("/api/v1/auth/login", { data: { username: i % 2 ? u.email : u.username, password: `wrong-${i}` } });
    expect(res.status(), `attempt ${i + 1}`).toBe(401);
  }
  for (const name of [u.username, u.email]) {
    const locked = await api.post("/api/v1/auth/login", { data: { username: name, password: u.password } });
    expect(locked.status()).toBe(429);
    expect((await locked.json()).error.code).toBe("ACCOUNT_LOCKED");
    const retryAfter = Number(locked.headers()["retry-after"]);
    expect(retryAfter).toBeGreaterThan(LOCK_SECONDS - 60);
    expect(retryAfter).toBeLessThanOrEqual(LOCK_SECONDS);
  }
});

test("an unknown login is throttled like an account", async ({ api }) => {
  const nobody = `nobody${uniq()}`;
  for (let i = 0; i < 5; i++) expect((await api.post("/api/v1/auth/login", { data: { username: nobody, password: "guess" } })).status()).toBe(401);
  const sixth = await api.post("/api/v1/auth/login", { data: { username: nobody.toUpperCase(), password: "guess" } });
  expect(sixth.status()).toBe(429);
  expect((await sixth.json()).error.code).toBe("ACCOUNT_LOCKED");
});

test("5 wrong current passwords lock password changes for that user only", async ({ api, newUser }) => {
  const u = await newUser();
  const other = await newUser();
  const change = (token: string, currentPassword: string, newPassword = `new-${uniq()}-password`) =>
    api.post("/api/v1/users/me/password", { headers: bearer(token), data: { currentPassword, newPassword } });

  for (let i = 0; i < 5; i++) {
    const res = await change(u.token, `guess-${i}`);
    expect(res.status(), `attempt ${i + 1}`).toBe(401);
    expect((await res.json()).error.issues[0].path).toBe("currentPassword");
  }
  const locked = await change(u.token, u.password);
  expect(locked.status()).toBe(429);
  expect((await locked.json()).error.code).toBe("RATE_LIMITED");
  const retryAfter = Number(locked.headers()["retry-after"]);
  expect(retryAfter).toBeGreaterThan(LOCK_SECONDS - 60);
  expect(retryAfter).toBeLessThanOrEqual(LOCK_SECONDS);

  // Nothing changed: the session still works and the old password still signs in.
  expect((await api.get("/api/v1/users/me", { headers: bearer(u.token) })).status()).toBe(200);
  await login(api, u.username, u.password);
  // Another user is not affected.
  expect((await change(other.token, other.password)).status()).toBe(200);
});
