import { ApiError } from "@/lib/api/client";
import type { MessageKey } from "@/lib/i18n";
import type { T } from "../providers/i18n";

const SERVER_WORDED: ReadonlySet<ApiError["code"]> = new Set<ApiError["code"]>([
  "CONFLICT",
  "VALIDATION_FAILED",
  "NO_CAPACITY",
  "INVALID_STATE",
  "NODE_UNREACHABLE",
  "ENGINE_ERROR",
  "INSUFFICIENT_BALANCE",
]);

/** A user-facing, translated message for an API error. */
export function errorText(t: T, err: unknown): string {
  if (!(err instanceof ApiError)) return t("errors.INTERNAL");
  const seconds = err.retryAfterSeconds ?? 60;
  // Conflicts and validation carry specifics worth showing as the server phrased them (what
  // capacity is missing, which state blocks the action, why the node cannot be reached, and
  // Docker's own reason).
  if (SERVER_WORDED.has(err.code) && err.message) return err.message;
  return t(`errors.${err.code}` as MessageKey, { seconds });
}

/** Field errors for an antd Form from an API error's issues (path "body.x" or "x"). */
export function fieldErrors(err: unknown): { name: string; errors: string[] }[] {
  if (!(err instanceof ApiError)) return [];
  return err.issues.map((i) => ({ name: i.path.replace(/^body\./, ""), errors: [i.message] }));
}
