import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { statsParser } from "../adapters/containers";
import { StatsHub } from "./stats";

/** What the Docker runtime's statsStream gives: the engine's JSON lines parsed into Stats. */
function parsed(raw: PassThrough) {
  const out = statsParser();
  raw.pipe(out);
  out.on("close", () => raw.destroy());
  return out;
}

const sample = (cpu: number) =>
  `${JSON.stringify({
    read: "2026-11-22T08:00:00Z",
    cpu_stats: { cpu_usage: { total_usage: cpu }, system_cpu_usage: 2000, online_cpus: 2 },
    precpu_stats: { cpu_usage: { total_usage: 0 }, system_cpu_usage: 1000 },
    memory_stats: { usage: 100, limit: 1000, stats: {} },
    pids_stats: { current: 3 },
  })}\n`;

describe("stats hub", () => {
  it("opens one engine stream per container for all subscribers and closes it after the last leaves", async () => {
    const events: [string, string, object][] = [];
    const hub = new StatsHub((id, event, payload) => events.push([id, event, payload]));
    const streams: PassThrough[] = [];
    const open = async () => {
      const s = new PassThrough();
      streams.push(s);
      return parsed(s);
    };
    await Promise.all([hub.subscribe("i1", "a", open), hub.subscribe("i1", "b", open), hub.subscribe("i1", "c", open)]);
    expect(streams).toHaveLength(1);
    expect(hub.streams).toBe(1);

    // Lines may arrive torn across chunks.
    const line = sample(500);
    streams[0]!.write(line.slice(0, 20));
    streams[0]!.write(line.slice(20));
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual([["i1", "stats", expect.objectContaining({ instanceId: "i1", cpuPercent: 100, memoryUsage: 100, memoryPercent: 10, pids: 3 })]]);

    hub.unsubscribe("i1", "a");
    hub.leaveAll("b");
    expect(streams[0]!.destroyed).toBe(false);
    hub.unsubscribe("i1", "c");
    // The engine's stream closes with ours (on the next turn of the event loop).
    await new Promise((r) => setImmediate(r));
    expect(streams[0]!.destroyed).toBe(true);
    expect(hub.streams).toBe(0);
  });

  it("tells subscribers when the container's stream ends", async () => {
    const events: [string, string][] = [];
    const hub = new StatsHub((id, event) => events.push([id, event]));
    const s = new PassThrough();
    await hub.subscribe("i2", "a", async () => parsed(s));
    s.end();
    s.resume();
    await new Promise((r) => setTimeout(r, 10));
    expect(events).toContainEqual(["i2", "stats-end"]);
    expect(hub.streams).toBe(0);

    // A stopped container's stream stays open after one empty sample: that sample ends it.
    const t = new PassThrough();
    await hub.subscribe("i3", "a", async () => parsed(t));
    t.write(`${JSON.stringify({ read: "0001-01-01T00:00:00Z", pids_stats: {} })}\n`);
    await new Promise((r) => setTimeout(r, 10));
    expect(events).toContainEqual(["i3", "stats-end"]);
    expect(t.destroyed).toBe(true);
    expect(events.filter(([id, e]) => id === "i3" && e === "stats")).toEqual([]);
  });
});
