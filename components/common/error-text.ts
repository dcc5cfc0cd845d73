import type { FormInstance } from "antd";
import { ApiError } from "@/lib/api/client";
import type { ErrorIssue, TMessageRef } from "@/lib/contracts/errors";
import type { Locale, MessageKey } from "@/lib/i18n";
import { hasMessage, renderMessage } from "@/lib/i18n/message-ref";
import type { T } from "../providers/i18n";

// API errors in words for people. The server sends each message as a dictionary key and
// parameters beside its English (messageKey/params; an issue's key/params; a resource's
// statusRef), so it is said in the reader's language. A VALIDATION_FAILED answer lists its
// problems as issues ({path: "name", message: "is required", key, params}): forms put them
// under their fields, and toasts name the fields in plain words, never "Invalid body: ...".

const SERVER_WORDED: ReadonlySet<ApiError["code"]> = new Set<ApiError["code"]>([
  "CONFLICT",
  "NO_CAPACITY",
  "INVALID_STATE",
  "NODE_UNREACHABLE",
  "ENGINE_ERROR",
  "INSUFFICIENT_BALANCE",
  "MAINTENANCE",
  "LIMIT_REACHED",
]);

// Of those, everyday refusals that must read in the user's language even without a key.
const WORDED_IN_LANGUAGE: ReadonlySet<ApiError["code"]> = new Set<ApiError["code"]>(["MAINTENANCE", "LIMIT_REACHED"]);

/** A server message reference in the reader's language; null when there is none, or its key is not in this UI's dictionaries. */
export function refText(locale: Locale, ref: TMessageRef | null | undefined): string | null {
  if (!ref || !hasMessage(ref.key)) return null;
  return renderMessage(locale, ref);
}

/**
 * A status reason (an instance's, a run's, a node's) in the reader's language: its reference
 * when it still says what the English text says (a reason written without one leaves an older
 * reference behind), else the server's English.
 */
export function statusText(locale: Locale, ref: TMessageRef | null | undefined, message: string): string;
export function statusText(locale: Locale, ref: TMessageRef | null | undefined, message: string | null): string | null;
export function statusText(locale: Locale, ref: TMessageRef | null | undefined, message: string | null): string | null {
  if (ref && hasMessage(ref.key) && (message === null || renderMessage("en-US", ref) === message)) return renderMessage(locale, ref);
  return message;
}

/** One issue's message in the user's language, as a sentence ("is required" → "Required"). */
export function issueMessage(locale: Locale, issue: ErrorIssue | string): string {
  const i = typeof issue === "string" ? { path: "", message: issue } : issue;
  const translated = i.key && hasMessage(i.key) ? renderMessage(locale, { key: i.key, params: i.params }) : null;
  if (locale !== "en-US" && translated !== null) return translated;
  // "is a private key: …" under its field reads "This is a private key: …".
  const text = (translated ?? i.message)
    .replace(/^is (?=required\b|already\b|too\b)/, "")
    .replace(/^is (?=a |not an? )/, "This is ")
    .replace(/^is JupyterLab's on a notebook image\b/, "Port 8888 is JupyterLab's on a notebook image");
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
  const message = issueMessage(locale, i);
  return field ? `${field}: ${message.charAt(0).toLowerCase()}${message.slice(1)}` : message;
}

/** A user-facing, translated message for an API error. */
export function errorText(t: T, err: unknown, locale: Locale = t.locale ?? "en-US"): string {
  if (!(err instanceof ApiError)) return t("errors.INTERNAL");
  const seconds = err.retryAfterSeconds ?? 60;
  if (err.code === "VALIDATION_FAILED") {
    return err.issues.length
      ? t("validation.invalidFields", { fields: err.issues.map((i) => issueLine(locale, i)).join("; ") })
      : t("errors.VALIDATION_FAILED");
  }
  // The server's own message, by key and parameters (what capacity is missing, which state
  // blocks the action, the balance needed, which limit is reached, the maintenance message).
  // Other codes' own sentences say all a person needs (and are worded for people).
  if (SERVER_WORDED.has(err.code) && err.message) {
    const text = err.ref?.key.startsWith("serverMessages.") ? refText(locale, err.ref) : null;
    if (text !== null) return text;
    // Worded by the server without a key (Docker's own reason, an older server): its English
    // says more than the code's sentence, except for everyday refusals that must read in the user's language.
    if (locale !== "en-US" && WORDED_IN_LANGUAGE.has(err.code)) return t(`errors.${err.code}` as MessageKey);
    return err.message;
  }
  return t(`errors.${err.code}` as MessageKey, { seconds });
}

/**
 * A list's filters the server refused (a VALIDATION_FAILED answer to its query), by filter
 * ("query.from" → "from"), in the reader's language: the first issue of each; null for other errors.
 */
export function queryIssues(err: unknown, locale: Locale): Partial<Record<string, string>> | null {
  if (!(err instanceof ApiError) || err.code !== "VALIDATION_FAILED") return null;
  const out: Partial<Record<string, string>> = {};
  for (const i of err.issues) {
    const field = i.path.replace(/^query\.?/, "");
    out[field] ??= issueMessage(locale, i);
  }
  return out;
}

/** The form field an issue belongs to: its path without "body.", renamed through `fieldNames` (API name → form name). */
function fieldOf(i: ErrorIssue, fieldNames: Record<string, string>): string {
  const path = i.path.replace(/^body\./, "");
  return fieldNames[path] ?? path;
}

/**
 * Field errors for an antd Form from an API error's issues (path "body.x" or "x"). A list's
 * rows are numbers in antd's field names ("apps.0.port" → ["apps", 0, "port"]).
 */
export function fieldErrors(
  err: unknown,
  locale: Locale = "en-US",
  fieldNames: Record<string, string> = {},
): { name: (string | number)[]; errors: string[] }[] {
  if (!(err instanceof ApiError)) return [];
  return err.issues.map((i) => ({
    name: fieldOf(i, fieldNames)
      .split(".")
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
    errors: [issueMessage(locale, i)],
  }));
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
