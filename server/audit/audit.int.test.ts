// The audit log against a real database (SQLite and PostgreSQL): an action's change and its
// event commit or roll back together, exactly one event per action (success or failure),
// nested transactions are savepoints (a caught duplicate leaves the transaction usable),
// events are announced after commit only, secrets are redacted, and the reads filter.
import { describe, expect, it } from "vitest";
import { ZCreateSpecRequest } from "@/lib/contracts/specs";
import type { Principal } from "../auth/principal";
import { db, transaction } from "../db/client";
import { on } from "../events";
import { AppError } from "../http/errors";
import * as specs from "../specs/specs.service";
import { actorOf, audited, auditedAction, auditNote, auditCsv, listAuditEvents, listMyAuditEvents, pruneAuditEvents, redact } from "./audit.service";

const admin: Principal = { userId: "adm-1", username: "root", role: "admin", via: "api-token" };
const uniq = () => Math.random().toString(36).slice(2, 8);
const facts = (action: string, requestId = uniq()) => ({ action, actor: actorOf(admin), ip: "203.0.113.9", userAgent: "vitest", requestId });
const eventsOf = (requestId: string) => db().auditEvent.findMany({ where: { requestId } });
const spec = (name: string) => ZCreateSpecRequest.parse({ name, gpuCount: 0, cpuCores: 1, memoryGb: 1, pricePerHourCents: 100 });

describe("audited actions", () => {
  it("writes the change and one event with who, where and what, in one transaction", async () => {
    const f = facts("spec.create");
    const name = `s-${uniq()}`;
    const made = await auditedAction(f, () => specs.createSpec(spec(name)));
    const events = await eventsOf(f.requestId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: "spec.create",
      actorType: "token",
      actorId: "adm-1",
      actorName: "root",
      targetType: "spec",
      targetId: made.id,
      targetName: name,
      result: "success",
      ip: "203.0.113.9",
      userAgent: "vitest",
    });
    expect(JSON.parse(events[0]!.detail)).toMatchObject({ name, pricePerHourCents: 100 });
  });

  it("rolls the change back with its event when the action fails inside, and records the failure instead", async () => {
    const f = facts("settings.update");
    const key = `k-${uniq()}`;
    await expect(
      auditedAction(f, () =>
        audited(async () => {
          await db().setting.create({ data: { key, value: "1" } });
          throw new AppError("CONFLICT", "changed my mind");
        }),
      ),
    ).rejects.toThrow("changed my mind");
    expect(await db().setting.count({ where: { key } })).toBe(0);
    const events = await eventsOf(f.requestId);
    expect(events.map((e) => [e.result, e.reason])).toEqual([["failure", "CONFLICT"]]);
  });

  it("writes one event for an action that changes nothing of ours, and none twice", async () => {
    const f = facts("node.test");
    await auditedAction(f, async () => {
      auditNote({ target: { type: "node", id: "n1", name: "gpu-01" }, detail: { online: true } });
      await audited(async () => undefined);
      await audited(async () => undefined);
    });
    const events = await eventsOf(f.requestId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ targetName: "gpu-01", result: "success" });
  });

  it("leaves out anonymous and rate-limited failures, and keeps failed sign-ins", async () => {
    const anon = { ...facts("spec.create"), actor: actorOf(null) };
    await expect(auditedAction(anon, async () => Promise.reject(new AppError("FORBIDDEN", "no")))).rejects.toThrow();
    const limited = facts("spec.create");
    await expect(auditedAction(limited, async () => Promise.reject(new AppError("RATE_LIMITED", "slow down")))).rejects.toThrow();
    const login = { ...facts("auth.login"), actor: actorOf(null) };
    await expect(
      auditedAction(login, async () => {
        auditNote({ actor: { type: "user", id: null, name: "mallory" } });
        throw new AppError("INVALID_CREDENTIALS", "Wrong username or password");
      }),
    ).rejects.toThrow();
    expect(await eventsOf(anon.requestId)).toHaveLength(0);
    expect(await eventsOf(limited.requestId)).toHaveLength(0);
    expect((await eventsOf(login.requestId)).map((e) => [e.actorName, e.result, e.reason])).toEqual([["mallory", "failure", "INVALID_CREDENTIALS"]]);
  });

  it("keeps a transaction usable after a caught duplicate inside it (a savepoint), and commits the rest", async () => {
    const key = `dup-${uniq()}`;
    const f = facts("settings.update");
    await auditedAction(f, () =>
      audited(async () => {
        await db().setting.create({ data: { key, value: "1" } });
        const second = await transaction(() => db().setting.create({ data: { key, value: "2" } })).catch(() => "duplicate");
        expect(second).toBe("duplicate");
        await db().setting.update({ where: { key }, data: { value: "3" } });
      }),
    );
    expect((await db().setting.findUnique({ where: { key } }))?.value).toBe("3");
    expect(await eventsOf(f.requestId)).toHaveLength(1);
  });

  it("announces events emitted inside a transaction once it commits, and never when it rolls back", async () => {
    const seen: string[] = [];
    const off = on("jobs.queueChanged", ({ runId }) => seen.push(runId));
    try {
      const { emit } = await import("../events");
      await transaction(async () => {
        emit("jobs.queueChanged", { runId: "committed" });
        expect(seen).toEqual([]);
      });
      expect(seen).toEqual(["committed"]);
      await transaction(async () => {
        emit("jobs.queueChanged", { runId: "rolled-back" });
        throw new Error("no");
      }).catch(() => undefined);
      expect(seen).toEqual(["committed"]);
    } finally {
      off();
    }
  });
});

describe("redaction", () => {
  it("replaces secret-named fields at any depth and cuts long strings", () => {
    const out = redact({
      name: "n1",
      sshPassword: "hunter2",
      sshPrivateKey: "-----BEGIN",
      clientKey: "k",
      authSecret: "s",
      nested: { token: "t", apiToken: "x", keep: 1, list: [{ password: "p" }] },
      note: "x".repeat(600),
      code: "AAAA-BBBB",
    }) as Record<string, unknown>;
    const text = JSON.stringify(out);
    for (const secret of ["hunter2", "-----BEGIN", '"k"', '"s"', '"t"', '"x"', '"p"', "AAAA-BBBB"]) expect(text).not.toContain(secret);
    expect(out.name).toBe("n1");
    expect((out.nested as Record<string, unknown>).keep).toBe(1);
    expect((out.note as string).length).toBeLessThan(510);
  });
});

describe("reading the log", () => {
  it("filters by actor name, action kind, result and text; lists a user's own; exports CSV; prunes by age", async () => {
    const tag = uniq();
    const user: Principal = { userId: `u-${tag}`, username: `alice${tag}`, role: "user", via: "session" };
    const base = { actorType: "user", actorId: user.userId, actorName: user.username, detail: "{}" };
    await db().auditEvent.createMany({
      data: [
        { ...base, action: "instance.create", targetType: "instance", targetName: `=HYPERLINK-${tag}`, createdAt: new Date(Date.now() - 3000) },
        { ...base, action: "instance.stop", targetType: "instance", targetName: `box-${tag}`, createdAt: new Date(Date.now() - 2000) },
        { ...base, action: "auth.login", result: "failure", reason: "INVALID_CREDENTIALS", createdAt: new Date(Date.now() - 1000) },
        { actorType: "user", actorId: "someone-else", actorName: "bob", action: "instance.create", detail: "{}", targetName: `box-${tag}` },
        { ...base, action: "instance.delete", createdAt: new Date(Date.now() - 400 * 86_400_000) },
      ],
    });
    const page = { page: 1, pageSize: 20 };
    const byActor = await listAuditEvents({ ...page, actor: user.username });
    expect(byActor.total).toBe(4);
    expect(byActor.items.map((e) => e.action).slice(0, 3)).toEqual(["auth.login", "instance.stop", "instance.create"]);
    expect((await listAuditEvents({ ...page, actor: user.username, action: "instance.*" })).total).toBe(3);
    expect((await listAuditEvents({ ...page, actor: user.username, action: "instance.stop" })).total).toBe(1);
    expect((await listAuditEvents({ ...page, actor: user.username, result: "failure" })).items[0]?.reason).toBe("INVALID_CREDENTIALS");
    expect((await listAuditEvents({ ...page, q: `box-${tag}` })).total).toBe(2);
    const mine = await listMyAuditEvents(user, page);
    expect(mine.items.every((e) => e.actor.id === user.userId)).toBe(true);
    expect(mine.total).toBe(4);

    const lines: string[] = [];
    for await (const line of auditCsv({ actor: user.username })) lines.push(line);
    expect(lines[0]).toMatch(/^createdAt,result,action,/);
    expect(lines).toHaveLength(5);
    // A cell a spreadsheet would run as a formula is quoted.
    expect(lines.join("")).toContain(`'=HYPERLINK-${tag}`);

    expect(await pruneAuditEvents(365)).toBeGreaterThanOrEqual(1);
    expect((await listAuditEvents({ ...page, actor: user.username })).total).toBe(3);
  });
});
