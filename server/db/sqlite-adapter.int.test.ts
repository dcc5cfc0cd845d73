// Writes made while another request's interactive transaction is open must neither join it
// nor be rolled back with it (the SQLite adapter shares one connection; see sqlite-adapter.ts).
import { expect, it } from "vitest";
import { db } from "./client";

it("keeps a concurrent write when a transaction rolls back", async () => {
  let release!: () => void;
  const hold = new Promise<void>((r) => (release = r));
  let entered!: () => void;
  const inside = new Promise<void>((r) => (entered = r));

  const tx = db()
    .$transaction(async (t) => {
      await t.setting.create({ data: { key: "tx-row", value: "1" } });
      entered();
      await hold;
      throw new Error("roll back");
    })
    .catch((e: Error) => e.message);

  await inside;
  // A plain statement (no transaction of its own). Prisma queries are lazy: `.then` starts it now.
  const outside = db()
    .$executeRawUnsafe(`INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES ('outside-row', '1', '2026-01-01')`)
    .then(() => "written");
  // Give the outside write every chance to run while the transaction is open.
  await new Promise((r) => setTimeout(r, 50));
  release();

  expect(await tx).toBe("roll back");
  expect(await outside).toBe("written");
  const keys = (await db().setting.findMany({ select: { key: true } })).map((r) => r.key);
  expect(keys).toContain("outside-row");
  expect(keys).not.toContain("tx-row");
});
