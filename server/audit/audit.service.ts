import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import type { TAuditEvent, TAuditExportQuery, TAuditQuery } from "@/lib/contracts/audit";
import { csvLine } from "@/lib/csv";
import type { Principal } from "../auth/principal";
import { AppError } from "../http/errors";
import { logger } from "../logger";
import { processSingleton } from "../singleton";
import * as repo from "./audit.repo";

// The audit log. One action = one event:
// - a state-changing request runs as an audited action (the route wrapper opens it with the
//   endpoint's `audit` name, the caller, address, user agent and request id);
// - the service wraps its database change in audited(): the event is written in the same
//   transaction, so a change is never without its event nor an event without its change;
// - an action that changes nothing in our database (a node test, a sign-in, an image pull
//   on a node) gets its event when it succeeds;
// - a failed action writes one failure event with the error code, except when nobody is
//   identified (anonymous 401s) or the caller was rate limited (both would let anyone fill
//   the log); failed sign-ins are always written.
// Sessions (terminal, SSH, apps) and the console's own actions use recordAudit().
// Details name changed fields and their new values; secrets are redacted by key name.

export type AuditActor = { type: "user" | "token" | "system"; id: string | null; name: string | null };
export type AuditTarget = { type: string; id?: string | null; name?: string | null };

export type AuditFacts = {
  action: string;
  actor: AuditActor;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  target?: AuditTarget;
};

type Scope = AuditFacts & { detail: Record<string, unknown>; written: boolean };

const scopes = processSingleton("audit-scope", () => new AsyncLocalStorage<Scope>());

export const SYSTEM_ACTOR: AuditActor = { type: "system", id: null, name: null };

export function actorOf(p: Principal | null): AuditActor {
  if (!p) return { type: "user", id: null, name: null };
  return { type: p.via === "api-token" ? "token" : "user", id: p.userId, name: p.username };
}

const SECRET_KEY = /pass(word|phrase)|secret|token|private|credential|jwt|key$|cert|^codes?$|authorization|cookie/i;
const MAX_STRING = 500;

/** A copy of `value` with secret-named fields replaced and long strings cut. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (value === null || typeof value !== "object") return value;
  if (depth > 4) return "…";
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEY.test(k) ? (v == null ? v : "[redacted]") : redact(v, depth + 1)]),
  );
}

const cut = (s: string | null | undefined, n: number) => (s == null ? null : s.length > n ? s.slice(0, n) : s);

function rowOf(s: AuditFacts & { detail?: Record<string, unknown> }, result: "success" | "failure", reason?: string): repo.NewAuditRow {
  return {
    actorType: s.actor.type,
    actorId: s.actor.id,
    actorName: s.actor.name,
    action: s.action,
    targetType: s.target?.type ?? null,
    targetId: cut(s.target?.id, 128),
    targetName: cut(s.target?.name, 200),
    result,
    reason: reason ?? null,
    detail: JSON.stringify(redact(s.detail ?? {})),
    ip: cut(s.ip, 64),
    userAgent: cut(s.userAgent, 300),
    requestId: cut(s.requestId, 64),
  };
}

function failureRecorded(err: unknown, s: Scope): string | null {
  const code = err instanceof AppError ? err.code : "INTERNAL";
  if (code === "RATE_LIMITED" || code === "UNAUTHENTICATED") return null;
  if (!s.actor.id && !s.action.startsWith("auth.") && s.action !== "user.register") return null;
  return code;
}

/**
 * Runs one audited action: exactly one event is written, the change's own (audited()), or
 * one at the end on success, or a failure event (see the rules above).
 */
export async function auditedAction<T>(facts: AuditFacts, fn: () => Promise<T>): Promise<T> {
  const scope: Scope = { ...facts, detail: {}, written: false };
  let out: T;
  try {
    out = await scopes.run(scope, fn);
  } catch (err) {
    // A change that committed keeps its one event, even when a later step of the action failed
    // (a health check after a node's new address, a warning after a deduction): it happened.
    const code = scope.written ? null : failureRecorded(err, scope);
    if (code) await write(rowOf(scope, "failure", code));
    throw err;
  }
  if (!scope.written) await write(rowOf(scope, "success"));
  return out;
}

async function write(row: repo.NewAuditRow): Promise<void> {
  try {
    await repo.insertAuditEvent(row);
  } catch (err) {
    logger.error({ err, action: row.action }, "audit write failed");
  }
}

/**
 * The database change of the current action: `change` and the action's event in one
 * transaction (the first audited() of an action writes it). Outside an action: a transaction.
 */
export async function audited<T>(change: () => Promise<T>): Promise<T> {
  const scope = scopes.getStore();
  if (!scope || scope.written) return repo.withAuditEvent(change, () => null);
  try {
    return await repo.withAuditEvent(change, () => {
      scope.written = true;
      return rowOf(scope, "success");
    });
  } catch (err) {
    scope.written = false;
    throw err;
  }
}

/** What the current action is about: its target, the changed fields, or the actor when the action finds out who (sign-in). */
export function auditNote(note: { target?: AuditTarget; detail?: Record<string, unknown>; actor?: AuditActor }): void {
  const scope = scopes.getStore();
  if (!scope) return;
  if (note.target) scope.target = { ...scope.target, ...note.target };
  if (note.detail) Object.assign(scope.detail, note.detail);
  if (note.actor) scope.actor = note.actor;
}

/** An event of its own: sessions opened over socket.io, SSH and the app proxy, and the console's own actions. */
export async function recordAudit(e: AuditFacts & { detail?: Record<string, unknown>; result?: "success" | "failure"; reason?: string }): Promise<void> {
  await write(rowOf(e, e.result ?? "success", e.reason));
}

// Reading.

function parseDetail(raw: string): Record<string, unknown> {
  try {
    const v = JSON.parse(raw);
    return v && typeof v === "object" && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

function toDto(r: repo.AuditRow): TAuditEvent {
  return {
    id: r.id,
    createdAt: r.createdAt.toISOString(),
    actor: { type: r.actorType as TAuditEvent["actor"]["type"], id: r.actorId, name: r.actorName },
    action: r.action,
    target: r.targetType ? { type: r.targetType, id: r.targetId, name: r.targetName } : null,
    result: r.result === "failure" ? "failure" : "success",
    reason: r.reason,
    detail: parseDetail(r.detail),
    ip: r.ip,
    userAgent: r.userAgent,
    requestId: r.requestId,
  };
}

async function filterOf(q: TAuditExportQuery, actorId?: string): Promise<repo.AuditFilter> {
  const f: repo.AuditFilter = {
    targetType: q.targetType,
    targetId: q.targetId,
    result: q.result,
    requestId: q.requestId,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
    q: q.q,
  };
  if (q.action) {
    const kind = q.action.match(/^(.*\.)\*?$/);
    if (kind) f.actionPrefix = kind[1];
    else f.action = q.action;
  }
  if (actorId) f.actorIds = [actorId];
  else if (q.actor) {
    // Usernames never change: a user's events are theirs by id. A name no account has (the
    // login typed at a failed registration, a deleted account) is looked up as written.
    const ids = await repo.userIdsNamed(q.actor);
    if (ids.length) f.actorIds = ids;
    else f.actorName = q.actor;
  }
  return f;
}

export async function listAuditEvents(q: TAuditQuery) {
  const { rows, total } = await repo.listAuditEvents(await filterOf(q), q);
  return { items: rows.map(toDto), total, page: q.page, pageSize: q.pageSize };
}

export async function listMyAuditEvents(p: Principal, q: Omit<TAuditQuery, "actor" | "q">) {
  const { rows, total } = await repo.listAuditEvents(await filterOf(q, p.userId), q);
  return { items: rows.map(toDto), total, page: q.page, pageSize: q.pageSize };
}

const CSV_COLUMNS = [
  "createdAt",
  "result",
  "action",
  "actorType",
  "actorName",
  "actorId",
  "targetType",
  "targetName",
  "targetId",
  "reason",
  "ip",
  "userAgent",
  "requestId",
  "detail",
  "id",
] as const;

/** The matching events as CSV lines (header first), streamed; the selection ends when the export starts. */
export async function* auditCsv(q: TAuditExportQuery): AsyncGenerator<string> {
  const now = new Date();
  const f = await filterOf(q);
  if (!f.to || f.to > now) f.to = now;
  yield csvLine([...CSV_COLUMNS]);
  for await (const rows of repo.allAuditEvents(f)) {
    for (const r of rows) {
      const cells: Record<(typeof CSV_COLUMNS)[number], string | null> = {
        ...r,
        createdAt: r.createdAt.toISOString(),
      };
      yield csvLine(CSV_COLUMNS.map((c) => cells[c]));
    }
  }
}

/** Removes events older than `days` days, and says so in the log itself; the number removed. */
export async function pruneAuditEvents(days: number): Promise<number> {
  const before = new Date(Date.now() - days * 86_400_000);
  const removed = await repo.deleteAuditEventsBefore(before);
  if (removed) await recordAudit({ action: "audit.prune", actor: SYSTEM_ACTOR, detail: { removed, before: before.toISOString(), retentionDays: days } });
  return removed;
}

/** Runs `fn` outside the current audited action (work an action starts that lives on: listeners, timers). */
export function outsideAudit<T>(fn: () => T): T {
  return scopes.exit(fn);
}
