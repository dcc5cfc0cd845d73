// The system log against a real database: warn, error and fatal lines the logger writes are
// kept (batched), info lines are not, secrets in a line's fields are redacted, and the reads
// filter by level and words and give a day as NDJSON.
import { afterAll, describe, expect, it } from "vitest";
import { logSinks } from "../logger";
import { flushSystemLog, listSystemLogs, pruneSystemLogs, startSystemLog, systemLogDay } from "./system-logs.service";

const stop = startSystemLog();
afterAll(() => stop());

/** What pino writes for a line: one JSON object. */
const line = (level: number, msg: string, fields: Record<string, unknown> = {}) =>
  `${JSON.stringify({ level, time: Date.now(), pid: 1, hostname: "h", service: "ai-infra-console", ...fields, msg })}\n`;
const log = (text: string) => {
  for (const sink of logSinks) sink(text);
};

describe("system log", () => {
  it("keeps warn and worse with their fields (secrets redacted), not info; filters by level and words", async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    log(line(30, `info ${tag}`));
    log(line(40, `node slow ${tag}`, { node: "gpu-01", sshPassword: "hunter2", err: { message: "timeout" } }));
    log(line(50, `write failed ${tag}`, { requestId: "r1" }));
    log(line(60, `fatal ${tag}`));
    log("not json at all\n");
    await flushSystemLog();

    const all = await listSystemLogs({ page: 1, pageSize: 20, q: tag });
    expect(all.items.map((l) => l.level)).toEqual(["fatal", "error", "warn"]);
    const warn = all.items.find((l) => l.level === "warn")!;
    expect(warn.message).toBe(`node slow ${tag}`);
    expect(warn.context).toEqual({ node: "gpu-01", sshPassword: "[redacted]", err: { message: "timeout" } });
    expect((await listSystemLogs({ page: 1, pageSize: 20, q: tag, level: "error" })).items.map((l) => l.level)).toEqual(["fatal", "error"]);

    const day = new Date().toISOString().slice(0, 10);
    const lines: string[] = [];
    for await (const l of systemLogDay(day)) if (l.message.includes(tag)) lines.push(l.level);
    expect(lines).toEqual(["warn", "error", "fatal"]);
    expect(await pruneSystemLogs(1)).toBe(0);
  });

  it("writes a burst in batches and loses nothing", async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    for (let i = 0; i < 450; i++) log(line(40, `burst ${tag} ${i}`));
    await flushSystemLog();
    expect((await listSystemLogs({ page: 1, pageSize: 20, q: `burst ${tag}` })).total).toBe(450);
  });
});
