// The runtime interface on the real local Docker engine: a batch workload's whole life
// (create, start, events, logs, inspect, remove), an interactive one's stats and shell,
// tenant networks made once under concurrency and from the console's pool, and errors in
// the runtime's terms.
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import Docker from "dockerode";
import { afterAll, describe, expect, it } from "vitest";
import { LOCAL_DOCKER, LOCAL_IMAGE } from "../testing/node-fixtures";
import { DockerRuntime } from "./docker-runtime";
import { RuntimeError, type RuntimeEvent, type Stats, type WorkloadSpec } from "./runtime";
import { parseCidr } from "./subnets";

const docker = new Docker({ socketPath: "/var/run/docker.sock" });
const run = randomBytes(4).toString("hex");
const label = { "io.ai-infra-console.test-run": run };
// A pool of its own, so the test's networks never meet the console's.
const rt = new DockerRuntime(
  { dockerAddress: LOCAL_DOCKER, useTls: false },
  { timeoutMs: 30_000, networkPool: parseCidr("10.211.0.0/24")!, networkPrefix: 28 },
);
const names: string[] = [];
const networks = new Set<string>();

function spec(over: Partial<WorkloadSpec> = {}): WorkloadSpec {
  const name = `aic-rt-${run}-${names.length}`;
  names.push(name);
  return {
    name,
    image: LOCAL_IMAGE,
    env: { GREETING: "hello" },
    labels: label,
    resources: { cpuCores: 0.5, memoryBytes: 128 * 2 ** 20, pidsLimit: 64 },
    gpus: [],
    volumes: [],
    network: { name: `aic-rt-net-${run}`, aliases: [name] },
    interactive: false,
    ...over,
  };
}

async function net(name = `aic-rt-net-${run}`) {
  networks.add(name);
  await rt.ensureNetwork({ name, labels: label });
  return name;
}

afterAll(async () => {
  for (const n of names)
    await docker
      .getContainer(n)
      .remove({ force: true })
      .catch(() => undefined);
  for (const n of networks) {
    for (const info of await docker.listNetworks({ filters: { name: [n] } }))
      if (info.Name === n)
        await docker
          .getNetwork(info.Id)
          .remove()
          .catch(() => undefined);
  }
});

describe("Docker runtime", () => {
  it("runs a batch workload to completion: events, exit code, logs, and removal", async () => {
    await net();
    const s = spec({ command: ["sh", "-c", 'echo "$GREETING from $(pwd)"; echo oops >&2; exit 3'], workingDir: "/tmp" });
    const events: RuntimeEvent[] = [];
    const ac = new AbortController();
    const watching = (async () => {
      for await (const e of rt.events(label, ac.signal)) {
        events.push(e);
        if (e.action === "die") ac.abort();
      }
    })();
    // Let the event stream open before the workload starts.
    await new Promise((r) => setTimeout(r, 300));
    const id = await rt.create(s);
    await rt.start(id);
    await watching;
    const died = events.find((e) => e.action === "die")!;
    expect(died).toMatchObject({ id, exitCode: 3, labels: expect.objectContaining(label) });
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["start", "die"]));

    const state = (await rt.inspect(s.name))!;
    expect(state).toMatchObject({ running: false, exitCode: 3, tty: false, networks: [s.network.name] });
    expect(state.finishedAt).not.toBeNull();
    // stdout and stderr are logged apart: their order between the two is not kept.
    const { lines: logs } = await rt.logs(s.name, { tail: 10 });
    expect(logs).toHaveLength(2);
    expect(logs).toEqual(
      expect.arrayContaining([
        { stream: "stdout", text: "hello from /tmp" },
        { stream: "stderr", text: "oops" },
      ]),
    );
    expect((await rt.list(label)).map((w) => w.name)).toContain(s.name);

    await rt.remove(s.name);
    await rt.remove(s.name); // already gone: fine
    expect(await rt.inspect(s.name)).toBeNull();
  });

  it("an interactive workload: stats once and as a stream that ends when it stops, and a shell", async () => {
    await net();
    const s = spec({ interactive: true });
    await rt.create(s);
    await rt.start(s.name);
    const one = await rt.stats(s.name);
    expect(one.memoryLimit).toBe(128 * 2 ** 20);

    const stream: Readable = await rt.statsStream(s.name);
    const samples: Stats[] = [];
    const ended = new Promise<void>((resolve) => stream.on("end", resolve));
    stream.on("data", (x: Stats) => samples.push(x));
    while (samples.length < 1) await new Promise((r) => setTimeout(r, 100));
    expect(samples[0]).toMatchObject({ memoryLimit: 128 * 2 ** 20, pids: expect.any(Number) });

    const shell = await rt.openShell(s.name, { cols: 100, rows: 30 });
    let out = "";
    shell.stream.on("data", (c: Buffer) => {
      out += c.toString();
    });
    shell.stream.write("stty size; echo marker-$((40+2))\n");
    while (!out.includes("marker-42")) await new Promise((r) => setTimeout(r, 50));
    expect(out).toContain("30 100");
    shell.stream.end();

    await rt.stop(s.name, 1);
    await ended;
    await rt.stop(s.name, 1); // stopped already: fine
    expect((await rt.inspect(s.name))!.running).toBe(false);
  });

  it("makes one network per name under concurrency, with a subnet from its pool, and removes it only when unused", async () => {
    const name = `aic-rt-net-${run}-c`;
    networks.add(name);
    await Promise.all(Array.from({ length: 8 }, () => rt.ensureNetwork({ name, labels: label })));
    const made = (await docker.listNetworks({ filters: { name: [name] } })).filter((n) => n.Name === name);
    expect(made).toHaveLength(1);
    const subnet = ((await docker.getNetwork(made[0]!.Id).inspect()) as Docker.NetworkInspectInfo).IPAM?.Config?.[0]?.Subnet;
    expect(subnet).toMatch(/^10\.211\.0\.\d+\/28$/);

    // A stopped member keeps it.
    const s = spec({ network: { name, aliases: [] } });
    await rt.create(s);
    await rt.removeNetworkIfUnused(name);
    expect((await docker.listNetworks({ filters: { name: [name] } })).filter((n) => n.Name === name)).toHaveLength(1);
    await rt.remove(s.name);
    await rt.removeNetworkIfUnused(name);
    expect((await docker.listNetworks({ filters: { name: [name] } })).filter((n) => n.Name === name)).toHaveLength(0);
  });

  it("says when the pool is full, naming it", async () => {
    const tiny = new DockerRuntime(
      { dockerAddress: LOCAL_DOCKER, useTls: false },
      { timeoutMs: 30_000, networkPool: parseCidr("10.212.0.0/29")!, networkPrefix: 29 },
    );
    const a = `aic-rt-net-${run}-full-a`;
    const b = `aic-rt-net-${run}-full-b`;
    networks.add(a).add(b);
    await tiny.ensureNetwork({ name: a, labels: label });
    const err = await tiny.ensureNetwork({ name: b, labels: label }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect((err as RuntimeError).message).toMatch(/No free tenant subnet left in 10\.212\.0\.0\/29/);
  });

  it("errors are the runtime's: the engine's refusal, or an unreachable engine without its address", async () => {
    const refused = await rt.create(spec({ image: "local/does-not-exist:1" })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RuntimeError);
    expect(refused).toMatchObject({ kind: "refused", message: expect.stringMatching(/No such image/i) });
    const gone = new DockerRuntime(
      { dockerAddress: "unix:///var/run/no-such-docker.sock", useTls: false },
      { timeoutMs: 2_000, networkPool: parseCidr("10.211.0.0/24")!, networkPrefix: 28 },
    );
    const unreachable = await gone.inspect("x").catch((e: unknown) => e);
    expect(unreachable).toMatchObject({ kind: "unreachable" });
    expect((unreachable as Error).message).not.toContain("no-such-docker.sock");
  });

  it("a pull that fails gives Docker's reason (the registry's host cannot be resolved), not 'server error'", async () => {
    const failed = await rt.pullImage("nowhere.invalid/aic/ghost:9").catch((e: unknown) => e);
    expect(failed).toMatchObject({ kind: "refused" });
    expect((failed as Error).message).toMatch(/nowhere\.invalid/);
    expect((failed as Error).message).not.toBe("server error");
  });
});
