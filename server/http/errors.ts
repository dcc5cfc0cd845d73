import "server-only";
import { z } from "zod";
import { ERROR_STATUS, type ErrorBody, type ErrorCode, type ErrorIssue } from "@/lib/contracts/errors";
import { enUS } from "@/lib/i18n/en-US";
import { issueRef, type LocalizedText, localized, type MessageRef, ref, renderMessage } from "@/lib/i18n/message-ref";
import { logger } from "../logger";

// The one error type services throw. Its code decides the HTTP status (lib/contracts/errors).
// Users' messages are references into the dictionaries (lib/i18n `serverMessages`): the
// English rendering is `message`, the reference goes beside it for clients that translate.
// A plain string is for internal cases only; its reference is the code's own sentence.

export type { MessageRef } from "@/lib/i18n/message-ref";
export { ref } from "@/lib/i18n/message-ref";

/** Issues with their key and parameters (from the English message when not given). */
export function withIssueRefs(issues: ErrorIssue[]): ErrorIssue[] {
  return issues.map((i) => (i.key ? i : { ...i, ...issueRef(i.message) }));
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly ref: MessageRef;
  readonly issues?: ErrorIssue[];
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string | MessageRef, extra: { issues?: ErrorIssue[]; retryAfterSeconds?: number } = {}) {
    super(typeof message === "string" ? message : renderMessage("en-US", message));
    this.name = "AppError";
    this.code = code;
    this.ref =
      typeof message === "string"
        ? { key: `errors.${code}`, ...(extra.retryAfterSeconds !== undefined ? { params: { seconds: extra.retryAfterSeconds } } : {}) }
        : message;
    this.issues = extra.issues && withIssueRefs(extra.issues);
    this.retryAfterSeconds = extra.retryAfterSeconds;
  }

  /** The message as a status reason: its reference, or the English text when it was given as a plain string. */
  get reason(): MessageRef | string {
    return this.ref.key.startsWith("errors.") ? this.message : this.ref;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

const THINGS = new Map(Object.entries(enUS.serverMessages.things).map(([key, name]) => [name, key as keyof typeof enUS.serverMessages.things]));

/** "Instance not found": a thing the dictionaries name ("Instance", "SSH key") is said in the reader's language. */
export function notFound(what: string | MessageRef): AppError {
  const thing = typeof what === "string" ? THINGS.get(what) : undefined;
  const named = typeof what !== "string" ? what : thing ? ref(`serverMessages.things.${thing}`) : ref("serverMessages.text", { text: what });
  return new AppError("NOT_FOUND", ref("serverMessages.notFound", { what: named }));
}

/** A 400 naming each field: "Invalid body: name: is required; ...". */
export function validationError(issues: ErrorIssue[], where = "body"): AppError {
  return new AppError("VALIDATION_FAILED", `Invalid ${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, { issues });
}

/** Prisma's "unique constraint failed" (P2002). */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";
}

function toAppError(err: unknown, requestId: string): AppError {
  if (err instanceof AppError) return err;
  if (isUniqueViolation(err)) return new AppError("CONFLICT", ref("serverMessages.recordExists"));
  if ((err as { code?: unknown })?.code === "P2025") return notFound("Record");
  logger.error({ err, requestId }, "unhandled error");
  return new AppError("INTERNAL", ref("serverMessages.internal"));
}

export function errorBody(err: AppError, requestId: string): ErrorBody {
  return {
    error: {
      code: err.code,
      message: err.message,
      messageKey: err.ref.key,
      params: err.ref.params ?? {},
      requestId,
      ...(err.issues ? { issues: err.issues } : {}),
    },
  };
}

export function errorResponse(err: unknown, requestId: string): Response {
  const appError = toAppError(err, requestId);
  const headers = new Headers({ "x-request-id": requestId });
  if (appError.retryAfterSeconds !== undefined) headers.set("retry-after", String(appError.retryAfterSeconds));
  // The rest of an oversized body is left unread: end the connection rather than drain it.
  if (appError.code === "PAYLOAD_TOO_LARGE") headers.set("connection", "close");
  return Response.json(errorBody(appError, requestId), { status: appError.status, headers });
}

/** A state ("offline", "running") as a word of the reader's language; one the dictionaries lack stays as it is. */
export function stateWord(state: string): LocalizedText | string {
  return state in enUS.serverMessages.states ? localized(ref(`serverMessages.states.${state as keyof typeof enUS.serverMessages.states}`)) : state;
}

/** A zod issue whose message is zod's own (not a contract's phrasing) as a key, by its code. */
function zodIssueRef(i: z.core.$ZodIssue): MessageRef {
  const origin = "origin" in i ? String(i.origin) : "";
  switch (i.code) {
    case "too_small":
      if (origin === "string") return ref("serverMessages.issues.minChars", { min: Number(i.minimum) });
      if (origin === "array" || origin === "set") return ref("serverMessages.issues.minEntries", { min: Number(i.minimum) });
      return ref(i.inclusive === false ? "serverMessages.issues.moreThan" : "serverMessages.issues.min", { min: Number(i.minimum) });
    case "too_big":
      if (origin === "string") return ref("serverMessages.issues.maxChars", { max: Number(i.maximum) });
      if (origin === "array" || origin === "set") return ref("serverMessages.issues.maxEntries", { max: Number(i.maximum) });
      return ref(i.inclusive === false ? "serverMessages.issues.lessThan" : "serverMessages.issues.max", { max: Number(i.maximum) });
    case "invalid_type":
      if (i.message.endsWith("received undefined")) return ref("serverMessages.issues.required");
      return i.expected === "number" || i.expected === "int" ? ref("serverMessages.issues.number") : ref("serverMessages.issues.invalid");
    case "invalid_value":
    case "invalid_union":
      return ref("serverMessages.issues.invalidValue");
    case "invalid_format":
      return i.format === "email" ? ref("serverMessages.issues.email") : ref("serverMessages.issues.invalid");
    default:
      return ref("serverMessages.issues.other", { text: i.message });
  }
}

const zodEnglish = z.locales.en().localeError;

/** Whether an issue's message is zod's own English (the input it names is not kept, so a type's is matched by shape). */
function zodsOwn(i: z.core.$ZodIssue): boolean {
  if (i.code === "invalid_type") return /^Invalid input: expected [^,]+, received \w+$/.test(i.message);
  const own = zodEnglish({ ...i, input: undefined } as Parameters<typeof zodEnglish>[0]);
  return (typeof own === "string" ? own : own?.message) === i.message;
}

/** A failed parse's issues, each with its key and parameters. */
export function zodIssues(error: z.ZodError, where: string): ErrorIssue[] {
  return error.issues.map((i) => {
    // A contract's own phrasing is one of the issue templates, or its own text; zod's own goes by its code.
    const known = issueRef(i.message);
    const r = known.key === "serverMessages.issues.other" && zodsOwn(i) ? zodIssueRef(i) : known;
    return { path: i.path.length ? i.path.join(".") : where, message: i.message, ...r };
  });
}
