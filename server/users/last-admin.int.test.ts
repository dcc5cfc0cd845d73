// The last-admin guard under concurrency (SQLite and PostgreSQL projects): two admins
// demoting or deactivating each other at the same moment must leave exactly one admin.
import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import type { Principal } from "../auth/principal";
import { AppError } from "../http/errors";
import * as users from "./users.service";

const uniq = () => randomBytes(4).toString("hex");

async function newAdmin(): Promise<Principal> {
  const name = `a${uniq()}`;
  const user = await users.adminCreateUser({ username: name, email: `${name}@example.com`, password: "long-password", role: "admin" });
  return { userId: user.id, username: name, role: "admin", via: "login-token" };
}

const activeAdmins = async () => (await users.listUsers({ page: 1, pageSize: 100, role: "admin", isActive: true })).items.map((u) => u.id);

type Change = { role: "user" } | { isActive: false };
const changes: [Change, Change][] = [
  [{ role: "user" }, { role: "user" }],
  [{ isActive: false }, { isActive: false }],
  [{ role: "user" }, { isActive: false }],
];

it("two admins taking each other's rights at once: exactly one succeeds, one admin remains", async () => {
  const rounds = 30;
  for (let round = 0; round < rounds; round++) {
    const a = await newAdmin();
    const b = await newAdmin();
    // Only a and b are active admins when they race.
    for (const id of await activeAdmins()) if (id !== a.userId && id !== b.userId) await users.adminUpdateUser(a, id, { role: "user" });
    expect((await activeAdmins()).sort()).toEqual([a.userId, b.userId].sort());

    const [aChange, bChange] = changes[round % changes.length]!;
    const results = await Promise.allSettled([users.adminUpdateUser(a, b.userId, aChange), users.adminUpdateUser(b, a.userId, bChange)]);

    const refused = results.filter((r) => r.status === "rejected");
    expect(
      results.filter((r) => r.status === "fulfilled"),
      `round ${round}`,
    ).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const err = (refused[0] as PromiseRejectedResult).reason;
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("CONFLICT");
    expect((err as AppError).message).toContain("last active administrator");
    const left = await activeAdmins();
    expect(left).toHaveLength(1);
    expect([a.userId, b.userId]).toContain(left[0]);
  }
});
