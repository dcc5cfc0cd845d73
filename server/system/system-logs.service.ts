import "server-only";
import { SYSTEM_LOG_LEVELS, type TSystemLog, type TSystemLogQuery } from "@/lib/contracts/system-logs";
import { redact } from "../audit/audit.service";
import { outsideTransaction } from "../db/client";
import { logSinks } from "../logger";
import { processSingleton } from "../singleton";
import * as repo from "./system-logs.repo";

// The system log: warn, error and fatal lines of the console's own log (pino), kept in the
// database too. Lines are buffered and written in batches (at most a second late); while the
// database cannot take them (it is down: that is logged too), up to MAX_BUFFERED wait and the
// oldest are dropped, counted in the next line written. Writing never logs through the logger
// (a failing write would feed itself).

const FLUSH_MS = 1_000;
const BATCH = 200;
const MAX_BUFFERED = 5_000;
const MAX_CONTEXT = 8 * 1024;
const PINO_LEVELS: Record<number, (typeof SYSTEM_LOG_LEVELS)[number]> = { 40: "warn", 50: "error", 60: "fatal" };
const LEFT_OUT = new Set(["level", "time", "msg", "pid", "hostname", "service"]);

type Sink = { buffer: repo.NewSystemLog[]; dropped: number; timer: NodeJS.Timeout | null; writing: Promise<void> | null };

const sink = () => processSingleton("system-log-sink", (): Sink => ({ buffer: [], dropped: 0, timer: null, writing: null }));

/** A pino JSON line as a row (null when it is not one). */
export function rowOf(line: string): repo.NewSystemLog | null {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(line);
  } catch {
    return null;
  }
  const level = PINO_LEVELS[parsed.level as number];
  if (!level) return null;
  const context = redact(Object.fromEntries(Object.entries(parsed).filter(([k]) => !LEFT_OUT.has(k))));
  let text = JSON.stringify(context);
  if (text.length > MAX_CONTEXT) text = JSON.stringify({ truncated: true, start: text.slice(0, MAX_CONTEXT) });
  return {
    createdAt: new Date(typeof parsed.time === "number" ? parsed.time : Date.now()),
    level,
    message: String(parsed.msg ?? "").slice(0, 2000),
    // PostgreSQL text holds no NUL character.
    context: text.replaceAll("\\u0000", ""),
  };
}

async function flush(s: Sink): Promise<void> {
  if (s.writing || !s.buffer.length) return;
  const batch = s.buffer.splice(0, BATCH);
  if (s.dropped) {
    batch.push({
      createdAt: new Date(),
      level: "warn",
      message: `${s.dropped} system log lines were dropped while the database could not take them`,
      context: "{}",
    });
    s.dropped = 0;
  }
  s.writing = outsideTransaction(() => repo.insertSystemLogs(batch))
    .catch((err: unknown) => {
      // Kept for the next try, within the bound.
      s.buffer.unshift(...batch);
      const over = s.buffer.length - MAX_BUFFERED;
      if (over > 0) {
        s.buffer.splice(0, over);
        s.dropped += over;
      }
      process.stderr.write(`system log write failed: ${err instanceof Error ? err.message : String(err)}\n`);
    })
    .finally(() => {
      s.writing = null;
    });
  await s.writing;
}

/** Starts keeping warn and worse lines in the database; the returned function stops it (after a last write). */
export function startSystemLog(): () => Promise<void> {
  const s = sink();
  const write = (line: string) => {
    const row = rowOf(line);
    if (!row) return;
    s.buffer.push(row);
    if (s.buffer.length > MAX_BUFFERED) {
      s.buffer.shift();
      s.dropped++;
    }
    if (s.buffer.length >= BATCH) void flush(s);
  };
  logSinks.add(write);
  s.timer ??= setInterval(() => void flush(s), FLUSH_MS);
  s.timer.unref();
  return async () => {
    logSinks.delete(write);
    if (s.timer) clearInterval(s.timer);
    s.timer = null;
    await s.writing;
    await flush(s);
  };
}

/** Waits until what was logged so far is written (tests). */
export async function flushSystemLog(): Promise<void> {
  const s = sink();
  while (s.buffer.length || s.writing) {
    await s.writing;
    await flush(s);
  }
}

function toDto(r: repo.SystemLogRow): TSystemLog {
  let context: Record<string, unknown> = {};
  try {
    context = JSON.parse(r.context);
  } catch {}
  return { id: r.id, createdAt: r.createdAt.toISOString(), level: r.level as TSystemLog["level"], message: r.message, context };
}

export async function listSystemLogs(q: TSystemLogQuery) {
  const levels = q.level ? SYSTEM_LOG_LEVELS.slice(SYSTEM_LOG_LEVELS.indexOf(q.level)) : undefined;
  const { rows, total } = await repo.listSystemLogs(
    { levels: levels && [...levels], from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, q: q.q },
    q,
  );
  return { items: rows.map(toDto), total, page: q.page, pageSize: q.pageSize };
}

/** One UTC day as NDJSON lines, oldest first. */
export async function* systemLogDay(day: string): AsyncGenerator<TSystemLog> {
  const from = new Date(`${day}T00:00:00.000Z`);
  const to = new Date(from.getTime() + 86_400_000);
  for await (const rows of repo.systemLogsBetween(from, to)) for (const r of rows) yield toDto(r);
}

export function pruneSystemLogs(days: number): Promise<number> {
  return repo.deleteSystemLogsBefore(new Date(Date.now() - days * 86_400_000));
}
