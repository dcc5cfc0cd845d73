// The migration runner against the real database: idempotent, safe to start twice at once,
// and it refuses a database whose recorded migrations differ from the committed files.
import { expect, it } from "vitest";
import { db } from "./client";
import { migrate } from "./migrate";

it("applies nothing twice, also when two starts race", async () => {
  const results = await Promise.all([migrate(), migrate()]);
  expect(results.flat()).toEqual([]);
});

it("refuses to run when an applied migration was edited", async () => {
  await db().$executeRawUnsafe(`UPDATE "_console_migrations" SET checksum = 'edited' WHERE name = '0001_init'`);
  await expect(migrate()).rejects.toThrow(/0001_init was changed after it was applied/);
  const rows = await db().$queryRawUnsafe<{ checksum: string }[]>(`SELECT checksum FROM "_console_migrations" WHERE name = '0001_init'`);
  expect(rows[0]?.checksum).toBe("edited");
});

it("refuses a database migrated by a newer console", async () => {
  await db().$executeRawUnsafe(`INSERT INTO "_console_migrations" (name, checksum, applied_at) VALUES ('9999_future', 'x', '2030-01-01')`);
  await expect(migrate()).rejects.toThrow(/9999_future.*downgrade/);
});
