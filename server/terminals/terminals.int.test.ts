// Terminal sessions against a real container (docker exec with a TTY) and the real database:
// echo, resize, reattach with replay, flow control under a flood, ending the shell, records.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import { AppError } from "../http/errors";
import { containerName } from "../instances/workload";
import { startInstance } from "../instances/start";
import { stopInstance } from "../instances/stop";
import { runningInstance } from "../testing/running-instance";
import { emit } from "../events";
import { HIGH_WATER, TerminalRegistry, type Client } from "./sessions";

let alice: Principal;
let bob: Principal;
let instanceId: string;
let cleanUp: () => Promise<void>;

/** A browser stand-in: collects output, acknowledges it (or not, like a frozen tab). */
function fakeClient(opts: { ack: boolean } = { ack: true }) {
  let text = "";
  const unacked: (() => void)[] = [];
  let exited: { code: number | null; reason: string } | null = null;
  const client: Client = {
    send: (data, ack) => {
      text += data;
      if (opts.ack) ack();
      else unacked.push(ack);
    },
    exit: (info) => (exited = info),
  };
  return {
    client,
    text: () => text,
    exited: () => exited,
    ackAll: () => {
      for (const a of unacked.splice(0)) a();
    },
  };
}

async function until<T>(what: string, fn: () => T | null | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  ({ owner: alice, other: bob, instanceId, cleanUp } = await runningInstance());
});

afterAll(() => cleanUp());

const shellProcesses = () => execFileSync("docker", ["exec", containerName(instanceId), "ps", "-o", "pid,args"], { encoding: "utf8" });

describe("terminal sessions on a real container", () => {
  it("echoes, resizes, reattaches with its output replayed, and ends the shell when closed", async () => {
    const registry = new TerminalRegistry();
    const first = fakeClient();
    const s = await registry.open(alice, { instanceId, cols: 100, rows: 30 }, first.client);
    const marker = `hello-${Math.random().toString(36).slice(2)}`;
    s.write(`echo ${marker}-$((6*7))\n`);
    await until("echo", () => first.text().includes(`${marker}-42`));
    expect(first.text()).not.toContain("aic-pid="); // the PID announcement is not shown

    s.write("stty size\n");
    await until("initial size", () => first.text().includes("30 100"));
    await s.resize(132, 43);
    s.write("stty size\n");
    await until("new size", () => first.text().includes("43 132"));

    s.write("echo pid=$$\n");
    const pid = (await until("pid", () => /pid=(\d+)/.exec(first.text())))[1];
    s.detach(first.client);
    expect(s.attached).toBe(false);

    // Output while nobody watches still lands in the replay buffer.
    s.write("echo while-away\n");
    const second = fakeClient();
    const again = await registry.open(alice, { instanceId, cols: 80, rows: 24, sessionId: s.id }, second.client);
    expect(again).toBe(s);
    await until("replay", () => second.text().includes(`${marker}-42`) && second.text().includes("while-away"));
    again.write("echo pid=$$\n");
    await until("same shell", () => second.text().split(`pid=${pid}`).length > 2);

    // Another user cannot take it over with the id.
    const thief = fakeClient();
    const err = await registry.open(bob, { instanceId, cols: 80, rows: 24, sessionId: s.id }, thief.client).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("NOT_FOUND");

    expect(shellProcesses()).toMatch(new RegExp(`^\\s*${pid}\\s`, "m"));
    await s.finish("closed");
    expect(second.exited()).toMatchObject({ reason: "closed" });
    await until("shell gone", () => !new RegExp(`^\\s*${pid}\\s`, "m").test(shellProcesses()), 5_000);
    expect(registry.size).toBe(0);
    const record = await db().terminalSession.findUnique({ where: { id: s.id } });
    expect(record).toMatchObject({ userId: alice.userId, instanceId, endReason: "closed" });
    expect(record!.endedAt).not.toBeNull();
  });

  it("a flood with a frozen browser pauses the shell instead of buffering without bound", async () => {
    const registry = new TerminalRegistry();
    const frozen = fakeClient({ ack: false });
    const s = await registry.open(alice, { instanceId, cols: 80, rows: 24 }, frozen.client);
    s.write("yes flood-line-of-some-length | head -c 20000000; echo flood-$((1+1))-done\n");
    await new Promise((r) => setTimeout(r, 2_000));
    // In flight: at most the high-water mark plus one piece; kept: the ring (256 KiB).
    expect(frozen.text().length).toBeLessThan(HIGH_WATER + 64 * 1024);
    expect(s.bufferedBytes).toBeLessThan(HIGH_WATER + 64 * 1024 + 256 * 1024);
    expect(frozen.text()).not.toContain("flood-2-done");
    // Acknowledging lets it flow again, to the end.
    const started = Date.now();
    while (!frozen.text().includes("flood-2-done") && Date.now() - started < 60_000) {
      frozen.ackAll();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(frozen.text().includes("flood-2-done")).toBe(true);
    await s.finish("closed");
  });

  it("revoking an API token ends the sessions opened with it, not the user's others", async () => {
    const registry = new TerminalRegistry();
    const viaToken = fakeClient();
    const viaSession = fakeClient();
    await registry.open({ ...alice, via: "api-token", credentialId: "tok-1" }, { instanceId, cols: 80, rows: 24 }, viaToken.client);
    const kept = await registry.open({ ...alice, via: "session" }, { instanceId, cols: 80, rows: 24 }, viaSession.client);
    emit("credential.revoked", { userId: alice.userId, credentialId: "tok-1" });
    await until("revoked", () => viaToken.exited());
    expect(viaToken.exited()).toMatchObject({ reason: "revoked" });
    expect(viaSession.exited()).toBeNull();
    expect(registry.size).toBe(1);
    await kept.finish("closed");
  });

  it("exit ends the session with the shell's code; a stopped instance cannot open one", async () => {
    const registry = new TerminalRegistry();
    const c = fakeClient();
    const s = await registry.open(alice, { instanceId, cols: 80, rows: 24 }, c.client);
    s.write("exit 3\n");
    await until("exit", () => c.exited());
    expect(c.exited()).toEqual({ code: 3, reason: "exited" });
    expect(registry.size).toBe(0);

    const other = await registry.open(bob, { instanceId, cols: 80, rows: 24 }, fakeClient().client).catch((e: unknown) => e);
    expect((other as AppError).code).toBe("NOT_FOUND");
    await stopInstance(alice, instanceId);
    const stopped = await registry.open(alice, { instanceId, cols: 80, rows: 24 }, fakeClient().client).catch((e: unknown) => e);
    expect((stopped as AppError).code).toBe("INVALID_STATE");
  });

  it("limits open sessions per user, ends idle ones, and ends detached ones after the grace period", async () => {
    await startInstance(alice, instanceId, { withoutGpu: false });
    const registry = new TerminalRegistry({ maxPerUser: 2, idleMs: 2_000, graceMs: 800 });
    const a = fakeClient();
    const b = fakeClient();
    await registry.open(alice, { instanceId, cols: 80, rows: 24 }, a.client);
    const second = await registry.open(alice, { instanceId, cols: 80, rows: 24 }, b.client);
    const refused = await registry.open(alice, { instanceId, cols: 80, rows: 24 }, fakeClient().client).catch((e: unknown) => e);
    expect((refused as AppError).code).toBe("LIMIT_REACHED");
    expect((refused as AppError).message).toMatch(/at most 2/);

    // A session waiting for its browser (a closed tab) makes room instead of locking the user out.
    second.detach(b.client);
    const c = fakeClient();
    const third = await registry.open(alice, { instanceId, cols: 80, rows: 24 }, c.client);
    expect(registry.get(second.id)).toBeUndefined();
    expect(registry.size).toBe(2);

    // Detached: ends after the grace period, not before.
    third.detach(c.client);
    await new Promise((r) => setTimeout(r, 300));
    expect(registry.get(third.id)).toBeDefined();
    await until("grace expiry", () => !registry.get(third.id), 5_000);
    const recorded = async (id: string) => (await db().terminalSession.findUnique({ where: { id } }))!.endReason;
    for (let i = 0; i < 50 && !(await recorded(third.id)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await recorded(third.id)).toBe("grace-expired");
    expect(await recorded(second.id)).toBe("replaced");

    // No input: ends as idle.
    await until("idle end", () => a.exited(), 5_000);
    expect(a.exited()).toMatchObject({ reason: "idle" });
    expect(registry.size).toBe(0);
  });
});
