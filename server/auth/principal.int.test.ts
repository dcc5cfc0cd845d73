// Principal resolution against the real database: a login token works, and a password
// change or deactivation in this process refuses the old credential on the very next
// request even though auth state is remembered for a moment; a change written by another
// process (here: straight into the database) is seen within a second.
import { randomBytes } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "../db/client";
import { AppError } from "../http/errors";
import { signOutPrincipal } from "../users/sessions.service";
import { adminUpdateUser, changePassword } from "../users/users.service";
import { hashPassword } from "./password";
import { type Principal, resolvePrincipal } from "./principal";
import { signLoginToken } from "./tokens";

const tag = randomBytes(3).toString("hex");
let admin: Principal;

async function user(name: string, role: "admin" | "user" = "user") {
  const password = `pw-${name}-${tag}`;
  const u = await db().user.create({
    data: { username: `${name}-${tag}`, email: `${name}-${tag}@test.local`, passwordHash: await hashPassword(password), role },
    select: { id: true, username: true, sessionVersion: true },
  });
  const { token } = await signLoginToken({ userId: u.id, sessionVersion: u.sessionVersion });
  return { ...u, password, headers: new Headers({ authorization: `Bearer ${token}` }) };
}

async function refusal(headers: Headers): Promise<string | null> {
  try {
    await resolvePrincipal(headers);
    return null;
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
}

beforeAll(async () => {
  const a = await user("admin", "admin");
  admin = { userId: a.id, username: a.username, role: "admin", via: "login-token" };
});

describe("resolvePrincipal", () => {
  afterEach(() => vi.useRealTimers());

  it("refuses the old token right after a password change", async () => {
    const u = await user("alice");
    expect(await resolvePrincipal(u.headers)).toMatchObject({ userId: u.id, via: "login-token" });
    const p = (await resolvePrincipal(u.headers))!;
    await changePassword(p, u.password, "a-new-password-1");
    expect(await refusal(u.headers)).toBe("UNAUTHENTICATED");
  });

  it("refuses a deactivated user's token on the next request", async () => {
    const u = await user("bob");
    expect(await resolvePrincipal(u.headers)).toMatchObject({ userId: u.id });
    await adminUpdateUser(admin, u.id, { isActive: false });
    expect(await refusal(u.headers)).toBe("UNAUTHENTICATED");
  });

  it("sees a change made by another process within a second", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const u = await user("carol");
    expect(await resolvePrincipal(u.headers)).toMatchObject({ userId: u.id });
    // Another console process ends the sessions: no event reaches this one.
    await db().user.update({ where: { id: u.id }, data: { sessionVersion: { increment: 1 } } });
    vi.setSystemTime(Date.now() + 1_001);
    expect(await refusal(u.headers)).toBe("UNAUTHENTICATED");
  });

  it("signing out ends that login token on the next request, here and (within a second) in other processes; the user's other tokens stay", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const u = await user("dave");
    const other = new Headers({ authorization: `Bearer ${(await signLoginToken({ userId: u.id, sessionVersion: u.sessionVersion })).token}` });
    const third = new Headers({ authorization: `Bearer ${(await signLoginToken({ userId: u.id, sessionVersion: u.sessionVersion })).token}` });
    const p = (await resolvePrincipal(u.headers))!;
    expect(p.credentialId).toEqual(expect.any(String));
    await resolvePrincipal(third);
    await signOutPrincipal(p);
    expect(await refusal(u.headers)).toBe("UNAUTHENTICATED");
    expect(await resolvePrincipal(other)).toMatchObject({ userId: u.id });
    // Another process signs `third` out: no event reaches this one.
    const t = (await resolvePrincipal(third))!;
    await db().revokedSession.create({ data: { id: t.credentialId!, userId: u.id, expiresAt: t.expiresAt! } });
    vi.setSystemTime(Date.now() + 1_001);
    expect(await refusal(third)).toBe("UNAUTHENTICATED");
  });

  it("an API token does not sign out (it is revoked instead)", async () => {
    const u = await user("erin");
    const p: Principal = { userId: u.id, username: u.username, role: "user", via: "api-token", credentialId: "tok" };
    await expect(signOutPrincipal(p)).rejects.toMatchObject({ code: "INVALID_STATE" });
  });
});
