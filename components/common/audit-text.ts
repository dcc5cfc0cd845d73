import { auditKind } from "@/lib/audit-actions";
import type { MessageKey } from "@/lib/i18n";
import type { T } from "../providers/i18n";

// The audit log's codes in the reader's words: an action ("instance.create" → "Create
// instance"), a kind of actions, a target type. A code without words (a newer server's)
// is shown as it is.

function known(t: T, key: string, fallback: string): string {
  const text = t(key as MessageKey);
  // translate() answers a missing key with the key itself.
  return text === key ? fallback : text;
}

export function kindLabel(t: T, kind: string): string {
  return known(t, `audit.kinds.${kind}`, kind);
}

/** An action's words; "instance.*" (or "instance.") is every action of its kind. */
export function actionLabel(t: T, action: string): string {
  if (/\.\*?$/.test(action)) return t("audit.allOfKind", { kind: kindLabel(t, auditKind(action)) });
  return known(t, `audit.actions.${action}`, action);
}

export function targetTypeLabel(t: T, type: string): string {
  return known(t, `audit.targetTypes.${type}`, type);
}
