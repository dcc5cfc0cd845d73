import type { FormInstance } from "antd";
import { ApiError } from "@/lib/api/client";
import type { ErrorIssue } from "@/lib/contracts/errors";
import type { Locale, MessageKey } from "@/lib/i18n";
import type { T } from "../providers/i18n";

// API errors in words for people. A VALIDATION_FAILED answer lists its problems as issues
// ({path: "name", message: "is required"}): forms put them under their fields, and toasts
// name the fields in plain words, never the server's "Invalid body: name: ...".

const SERVER_WORDED: ReadonlySet<ApiError["code"]> = new Set<ApiError["code"]>([
  "CONFLICT",
  "NO_CAPACITY",
  "INVALID_STATE",
  "NODE_UNREACHABLE",
  "ENGINE_ERROR",
  "INSUFFICIENT_BALANCE",
]);

// The server's most common issue phrasings, in Chinese; anything else is shown as the server said it.
const ZH_ISSUES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^is required\b.*$/, () => "必填"],
  [/^must be a whole number\b.*$/, () => "必须是整数"],
  [/^must be a number\b.*$/, () => "必须是数字"],
  [/^must be at least (-?[\d.]+) characters$/, (m) => `至少 ${m[1]} 个字符`],
  [/^must be at most (-?[\d.]+) characters$/, (m) => `最多 ${m[1]} 个字符`],
  [/^must be at least (-?[\d.]+)$/, (m) => `不能小于 ${m[1]}`],
  [/^must be at most (-?[\d.]+)$/, (m) => `不能大于 ${m[1]}`],
  [/^must not be negative$/, () => "不能为负数"],
  [/^must not be zero$/, () => "不能为 0"],
  [/^must not be empty$/, () => "不能为空"],
  [/^must not contain control characters$/, () => "不能包含控制字符"],
  [/^must be a valid email address$/, () => "邮箱格式不正确"],
  [/^must be in the future$/, () => "必须是将来的时间"],
  [/^is already (used|taken)\b.*$/, () => "已被占用"],
];

/** One issue's message in the user's language, as a sentence ("Is required" → "Required"). */
export function issueMessage(locale: Locale, message: string): string {
  if (locale === "zh-CN") {
    for (const [re, zh] of ZH_ISSUES) {
      const m = re.exec(message);
      if (m) return zh(m);
    }
  }
  const text = message.replace(/^is (?=required\b|already\b)/, "");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A field path in plain words: "expiresInDays" → "Expires in days"; none for the whole body. */
function fieldWords(path: string): string | null {
  const last =
    path
      .replace(/^(body|query|params)\.?/, "")
      .split(".")
      .at(-1) ?? "";
  if (!last) return null;
  const words = last
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "Name: is required" in the user's language, for issues that have no field on screen. */
function issueLine(locale: Locale, i: ErrorIssue): string {
  const field = fieldWords(i.path);
  const message = issueMessage(locale, i.message);
  return field ? `${field}: ${message.charAt(0).toLowerCase()}${message.slice(1)}` : message;
}

/** A user-facing, translated message for an API error. */
export function errorText(t: T, err: unknown, locale: Locale = "en-US"): string {
  if (!(err instanceof ApiError)) return t("errors.INTERNAL");
  const seconds = err.retryAfterSeconds ?? 60;
  if (err.code === "VALIDATION_FAILED") {
    return err.issues.length
      ? t("validation.invalidFields", { fields: err.issues.map((i) => issueLine(locale, i)).join("; ") })
      : t("errors.VALIDATION_FAILED");
  }
  // Conflicts carry specifics worth showing as the server phrased them (what capacity is
  // missing, which state blocks the action, why the node cannot be reached, and Docker's
  // own reason).
  if (SERVER_WORDED.has(err.code) && err.message) return err.message;
  return t(`errors.${err.code}` as MessageKey, { seconds });
}

/** The form field an issue belongs to: its path without "body.", renamed through `fieldNames` (API name → form name). */
function fieldOf(i: ErrorIssue, fieldNames: Record<string, string>): string {
  const path = i.path.replace(/^body\./, "");
  return fieldNames[path] ?? path;
}

/** Field errors for an antd Form from an API error's issues (path "body.x" or "x"). */
export function fieldErrors(err: unknown, locale: Locale = "en-US", fieldNames: Record<string, string> = {}): { name: string[]; errors: string[] }[] {
  if (!(err instanceof ApiError)) return [];
  return err.issues.map((i) => ({ name: fieldOf(i, fieldNames).split("."), errors: [issueMessage(locale, i.message)] }));
}

/**
 * After a form's submit failed: the issues that belong to one of the form's fields go under
 * that field; the answer is what a toast should say about the rest (or, when every issue
 * found its field, to look at them).
 */
export function showFormError(t: T, locale: Locale, form: FormInstance, err: unknown, fieldNames: Record<string, string> = {}): string {
  if (!(err instanceof ApiError) || !err.issues.length) return errorText(t, err, locale);
  const known = new Set(form.getFieldsError().map((f) => f.name.join(".")));
  const isOnForm = (i: ErrorIssue) => known.has(fieldOf(i, fieldNames));
  form.setFields(fieldErrors(err, locale, fieldNames).filter((_, k) => isOnForm(err.issues[k]!)));
  const rest = err.issues.filter((i) => !isOnForm(i));
  if (err.code !== "VALIDATION_FAILED") return errorText(t, err, locale);
  if (!rest.length) return t("validation.checkFields");
  return t("validation.invalidFields", { fields: rest.map((i) => issueLine(locale, i)).join("; ") });
}
