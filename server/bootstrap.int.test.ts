// First start on a fresh database: the schema is migrated and one administrator is created
// from ADMIN_USERNAME/ADMIN_PASSWORD; a second start changes nothing.
import { expect, it } from "vitest";
import { bootstrap } from "./bootstrap";
import { migrate } from "./db/migrate";
import { authenticate, ensureAdmin } from "./users/users.service";

it("creates the administrator once and migrations are idempotent", async () => {
  await bootstrap();
  expect(await migrate()).toEqual([]);
  expect(await ensureAdmin()).toEqual({ created: false });
  const { user } = await authenticate("admin", "test-admin-password", "10.0.0.1");
  expect(user.role).toBe("admin");
  expect(user.email).toBe("admin@console.local");
});
