// First start on a fresh database: the schema is migrated and one administrator is created
// from ADMIN_USERNAME/ADMIN_PASSWORD; a second start changes nothing. Without an active
// admin and with the name taken, the start goes on and recoverAdmin brings one back.
import { expect, it } from "vitest";
import { resolvePrincipal } from "./auth/principal";
import { bootstrap } from "./bootstrap";
import { db } from "./db/client";
import { migrate } from "./db/migrate";
import { AppError } from "./http/errors";
import { updateAndRevokeSessions } from "./users/users.repo";
import { authenticate, ensureAdmin, loginForToken, recoverAdmin } from "./users/users.service";

it("creates the administrator once and migrations are idempotent", async () => {
  await bootstrap();
  expect(await migrate()).toEqual([]);
  expect(await ensureAdmin()).toEqual({ created: false });
  const { user } = await authenticate("admin", "test-admin-password", "10.0.0.1");
  expect(user.role).toBe("admin");
  expect(user.email).toBe("admin@console.local");
});

it("starts without an active admin when the name is taken; recoverAdmin makes one with a new password", async () => {
  const { token } = await loginForToken("admin", "test-admin-password", "10.0.0.2");
  const { user } = await authenticate("admin", "test-admin-password", "10.0.0.3");
  // What the last-admin race used to leave behind: no active administrator at all.
  await updateAndRevokeSessions(user.id, { role: "user", isActive: false });

  expect(await ensureAdmin()).toEqual({ created: false, nameTaken: "admin" });
  await expect(bootstrap()).resolves.toBeUndefined();

  const { username, password } = await recoverAdmin("ADMIN");
  expect(username).toBe("admin");
  expect(password).not.toBe("test-admin-password");
  expect(password.length).toBeGreaterThanOrEqual(20);
  const signedIn = await authenticate("admin", password, "10.0.0.4");
  expect(signedIn.user).toMatchObject({ role: "admin", isActive: true });
  await expect(authenticate("admin", "test-admin-password", "10.0.0.5")).rejects.toThrow(AppError);
  // Old sessions end; the recovery is audited without the password.
  await expect(resolvePrincipal(new Headers({ authorization: `Bearer ${token}` }))).rejects.toThrow(AppError);
  const events = await db().auditEvent.findMany({ where: { action: "user.admin_recovered", targetId: user.id } });
  expect(events).toHaveLength(1);
  expect(events[0]!.detail).not.toContain(password);
  expect(events[0]).toMatchObject({ actorType: "system", targetName: "admin", result: "success" });
  expect(JSON.parse(events[0]!.detail)).toMatchObject({ previousRole: "user", wasActive: false });

  await expect(recoverAdmin("nobody-here")).rejects.toMatchObject({ code: "NOT_FOUND" });
});
