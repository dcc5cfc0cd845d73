import "server-only";
import type { ErrorIssue } from "@/lib/contracts/errors";
import { AppError, ref, validationError } from "./errors";

// Request input before any rule sees it: bodies are read only up to a limit (refused by
// Content-Length before reading, and while streaming when there is none), and every string
// from outside must be well-formed Unicode: a lone surrogate cannot be stored by either
// database and would otherwise surface as a 500 deep inside a query.

declare global {
  interface String {
    /** ES2024, in Node since 20: false when the string holds a lone surrogate. */
    isWellFormed(): boolean;
  }
}

export function payloadTooLarge(limit: number): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", ref("serverMessages.tooLarge", { limit }));
}

/** The declared Content-Length when it is over `limit` (a malformed one counts as over). */
export function declaredTooLarge(contentLength: string | null | undefined, limit: number): boolean {
  if (contentLength === null || contentLength === undefined) return false;
  const n = Number(contentLength);
  return !Number.isSafeInteger(n) || n < 0 || n > limit;
}

/**
 * The body's bytes, at most `limit` of them. Stops reading at the limit: the rest is never
 * buffered (the stream is left unread, not cancelled, so the 413 still reaches the client).
 */
export async function readLimited(req: Request, limit: number): Promise<Uint8Array> {
  if (declaredTooLarge(req.headers.get("content-length"), limit)) throw payloadTooLarge(limit);
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw payloadTooLarge(limit);
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks);
}

/** Body text (UTF-8, malformed bytes as U+FFFD like Request.text()), read within `limit`. */
export async function readTextLimited(req: Request, limit: number): Promise<string> {
  return new TextDecoder().decode(await readLimited(req, limit));
}

/** The path (a.b.0.c) of the first string, or object key, that is not well-formed Unicode. */
export function illFormedPath(value: unknown, path = ""): string | null {
  if (typeof value === "string") return value.isWellFormed() ? null : path;
  if (typeof value !== "object" || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (!key.isWellFormed()) return at;
    const found = illFormedPath(item, at);
    if (found !== null) return found;
  }
  return null;
}

/** Throws a 400 naming the field when `value` holds a lone surrogate. */
export function assertWellFormed(value: unknown, where: string): void {
  const path = illFormedPath(value);
  if (path === null) return;
  const issue: ErrorIssue = { path: path || where, message: "must be valid Unicode text (it holds a lone surrogate)" };
  throw validationError([issue], where);
}
