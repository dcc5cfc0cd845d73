// Accounts against the real database (SQLite and PostgreSQL projects): sign-in throttling,
// session revocation, admin rules, registration.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { resolvePrincipal, type Principal } from "../auth/principal";
import { AppError } from "../http/errors";
import { updateSettings } from "../settings/settings.service";
import * as tokens from "./tokens.service";
import * as users from "./users.service";

const uniq = () => randomBytes(4).toString("hex");
const ip = () => `10.${[1, 2, 3].map(() => Math.floor(Math.random() * 250)).join(".")}`;

async function newUser(role: "user" | "admin" = "user") {
  const name = `u${uniq()}`;
  const password = `pw-${uniq()}-long`;
  const user = await users.adminCreateUser({ username: name, email: `${name}@example.com`, password, role });
  const principal: Principal = { userId: user.id, username: name, role, via: "login-token" };
  return { user, password, principal };
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

const bearer = (token: string) => new Headers({ authorization: `Bearer ${token}` });

describe("authenticate", () => {
  it("accepts username or email and answers the profile without the hash", async () => {
    const { user, password } = await newUser();
    const byName = await users.authenticate(user.username, password, ip());
    const byEmail = await users.authenticate(user.email.toUpperCase(), password, ip());
    expect(byName.user.id).toBe(user.id);
    expect(byEmail.user.id).toBe(user.id);
    expect(JSON.stringify(byName)).not.toContain("argon2");
  });

  it("locks the account after 5 consecutive failures, even for the right password", async () => {
    const { user, password } = await newUser();
    for (let i = 0; i < 5; i++) {
      expect((await rejection(users.authenticate(user.username, "wrong", ip()))).code).toBe("INVALID_CREDENTIALS");
    }
    const locked = await rejection(users.authenticate(user.username, password, ip()));
    expect(locked.code).toBe("ACCOUNT_LOCKED");
    expect(locked.status).toBe(429);
    expect(locked.retryAfterSeconds).toBeGreaterThan(14 * 60);
  });

  it("parallel guesses cannot outrun the lock: at most 5 password checks, whichever login names the account", async () => {
    const { user, password } = await newUser();
    const burst = Array.from({ length: 30 }, (_, i) => rejection(users.authenticate(i % 2 ? user.email : user.username, "wrong", ip())));
    const codes = (await Promise.all(burst)).map((e) => e.code);
    expect(codes.filter((c) => c === "INVALID_CREDENTIALS")).toHaveLength(5);
    expect(codes.filter((c) => c === "ACCOUNT_LOCKED")).toHaveLength(25);
    expect((await rejection(users.authenticate(user.username, password, ip()))).code).toBe("ACCOUNT_LOCKED");
  });

  it("counts only consecutive failures: a success resets the count", async () => {
    const { user, password } = await newUser();
    for (let i = 0; i < 4; i++) await rejection(users.authenticate(user.username, "wrong", ip()));
    await users.authenticate(user.username, password, ip());
    for (let i = 0; i < 4; i++) await rejection(users.authenticate(user.username, "wrong", ip()));
    await expect(users.authenticate(user.username, password, ip())).resolves.toBeTruthy();
  });

  it("limits attempts per IP to 10 a minute", async () => {
    const { user, password } = await newUser();
    const from = ip();
    for (let i = 0; i < 10; i++) await users.authenticate(user.username, password, from);
    const err = await rejection(users.authenticate(user.username, password, from));
    expect(err.code).toBe("RATE_LIMITED");
    expect(err.retryAfterSeconds).toBeGreaterThan(0);
    await expect(users.authenticate(user.username, password, ip())).resolves.toBeTruthy();
  });

  it("refuses a deactivated account with the right password", async () => {
    const admin = await newUser("admin");
    const { user, password } = await newUser();
    await users.adminUpdateUser(admin.principal, user.id, { isActive: false });
    expect((await rejection(users.authenticate(user.username, password, ip()))).code).toBe("ACCOUNT_DISABLED");
  });
});

describe("session revocation", () => {
  it("a password change ends old login tokens and API tokens; the returned token works", async () => {
    const { user, password, principal } = await newUser();
    const old = await users.loginForToken(user.username, password, ip());
    const apiToken = await tokens.createToken(principal, { name: "ci" });
    expect((await resolvePrincipal(bearer(old.token)))?.userId).toBe(user.id);
    expect((await resolvePrincipal(bearer(apiToken.token)))?.via).toBe("api-token");

    const fresh = await users.changePassword(principal, password, "a-brand-new-password");

    expect((await rejection(resolvePrincipal(bearer(old.token)))).code).toBe("UNAUTHENTICATED");
    expect((await rejection(resolvePrincipal(bearer(apiToken.token)))).code).toBe("UNAUTHENTICATED");
    expect((await resolvePrincipal(bearer(fresh.token)))?.userId).toBe(user.id);
    const listed = await tokens.listTokens(principal);
    expect(listed.find((t) => t.id === apiToken.id)?.revokedAt).toBeInstanceOf(Date);
    expect((await rejection(users.authenticate(user.username, password, ip()))).code).toBe("INVALID_CREDENTIALS");
  });

  it("a wrong current password changes nothing and names the field", async () => {
    const { user, password, principal } = await newUser();
    const old = await users.loginForToken(user.username, password, ip());
    const err = await rejection(users.changePassword(principal, "not-it", "another-password"));
    expect(err.code).toBe("INVALID_CREDENTIALS");
    expect(err.issues?.[0]?.path).toBe("currentPassword");
    expect((await resolvePrincipal(bearer(old.token)))?.userId).toBe(user.id);
  });

  it("wrong current passwords are throttled, in parallel too: 5 checks, then locked even for the right one", async () => {
    const { password, principal } = await newUser();
    const burst = Array.from({ length: 20 }, () => rejection(users.changePassword(principal, "not-it", "another-password")));
    const codes = (await Promise.all(burst)).map((e) => e.code);
    expect(codes.filter((c) => c === "INVALID_CREDENTIALS")).toHaveLength(5);
    expect(codes.filter((c) => c === "RATE_LIMITED")).toHaveLength(15);
    expect((await rejection(users.changePassword(principal, password, "another-password"))).code).toBe("RATE_LIMITED");
  });

  it("a role change ends the user's sessions", async () => {
    const admin = await newUser("admin");
    const { user, password } = await newUser();
    const old = await users.loginForToken(user.username, password, ip());
    const updated = await users.adminUpdateUser(admin.principal, user.id, { role: "admin" });
    expect(updated.role).toBe("admin");
    expect((await rejection(resolvePrincipal(bearer(old.token)))).code).toBe("UNAUTHENTICATED");
  });

  it("a revoked API token stops working; another user's token cannot be revoked", async () => {
    const a = await newUser();
    const b = await newUser();
    const created = await tokens.createToken(a.principal, { name: "laptop", expiresInDays: 30 });
    expect(created.prefix).toBe(created.token.slice(0, 12));
    expect((await rejection(tokens.revokeToken(b.principal, created.id))).code).toBe("NOT_FOUND");
    await tokens.revokeToken(a.principal, created.id);
    expect((await rejection(resolvePrincipal(bearer(created.token)))).code).toBe("UNAUTHENTICATED");
  });
});

describe("admin rules", () => {
  it("an admin cannot change their own role or status", async () => {
    const admin = await newUser("admin");
    const err = await rejection(users.adminUpdateUser(admin.principal, admin.user.id, { isActive: false }));
    expect(err.code).toBe("CONFLICT");
  });

  it("the last active administrator cannot be demoted", async () => {
    // Demote every other admin, then try the last one from a non-admin actor's seat.
    const actor = await newUser("admin");
    const list = await users.listUsers({ page: 1, pageSize: 100, role: "admin", isActive: true });
    for (const u of list.items) if (u.id !== actor.user.id) await users.adminUpdateUser(actor.principal, u.id, { role: "user" });
    const helper = await newUser("admin");
    await users.adminUpdateUser(helper.principal, actor.user.id, { role: "user" });
    const err = await rejection(users.adminUpdateUser(actor.principal, helper.user.id, { role: "user" }));
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toContain("last active administrator");
  });

  it("lists with search, filters and pagination", async () => {
    const tag = uniq();
    for (let i = 0; i < 3; i++) {
      await users.adminCreateUser({ username: `s${tag}${i}`, email: `s${tag}${i}@example.com`, password: "long-password", role: "user" });
    }
    const page1 = await users.listUsers({ page: 1, pageSize: 2, search: tag.toUpperCase() });
    const page2 = await users.listUsers({ page: 2, pageSize: 2, search: tag });
    expect(page1.total).toBe(3);
    expect(page1.items).toHaveLength(2);
    expect(page2.items).toHaveLength(1);
    expect((await users.listUsers({ page: 1, pageSize: 10, search: tag, role: "admin" })).total).toBe(0);
  });
});

describe("registration", () => {
  it("creates a user; a taken username is a 409 naming the field", async () => {
    const name = `r${uniq()}`;
    const user = await users.register({ username: name, email: `${name}@example.com`, password: "long-password" }, ip());
    expect(user.role).toBe("user");
    const err = await rejection(users.register({ username: name, email: `other${name}@example.com`, password: "long-password" }, ip()));
    expect(err.status).toBe(409);
    expect(err.issues?.[0]?.path).toBe("username");
  });

  it("is refused with 403 when an admin turned it off", async () => {
    await updateSettings({ registrationEnabled: false });
    try {
      const err = await rejection(users.register({ username: `x${uniq()}`, email: `x${uniq()}@example.com`, password: "long-password" }, ip()));
      expect(err.status).toBe(403);
      expect(err.code).toBe("REGISTRATION_DISABLED");
    } finally {
      await updateSettings({ registrationEnabled: true });
    }
  });
});
