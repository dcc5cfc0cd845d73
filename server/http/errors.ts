import "server-only";
import { ERROR_STATUS, type ErrorBody, type ErrorCode, type ErrorIssue } from "@/lib/contracts/errors";
import { logger } from "../logger";

// The one error type services throw. Its code decides the HTTP status (lib/contracts/errors).

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues?: ErrorIssue[];
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string, extra: { issues?: ErrorIssue[]; retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.issues = extra.issues;
    this.retryAfterSeconds = extra.retryAfterSeconds;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);

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
  if (isUniqueViolation(err)) return new AppError("CONFLICT", "A record with these values already exists");
  if ((err as { code?: unknown })?.code === "P2025") return new AppError("NOT_FOUND", "Record not found");
  logger.error({ err, requestId }, "unhandled error");
  return new AppError("INTERNAL", "Internal server error");
}

export function errorBody(err: AppError, requestId: string): ErrorBody {
  return {
    error: {
      code: err.code,
      message: err.message,
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
