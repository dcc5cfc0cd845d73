import type { TMessageRef } from "@/lib/contracts/errors";
import type { TInstance } from "@/lib/contracts/instances";
import { hasMessage, renderMessage } from "@/lib/i18n/message-ref";
import type { T } from "../providers/i18n";

// Why an instance is in its state, in the reader's language. The server explains in English
// (statusMessage); the reasons it gives in known words are said through i18n, and anything
// else (a Docker error, say) is shown as the server's own words under a translated heading.

export type ReasonKind = "balance" | "container_removed" | "exited" | "node_unreachable" | "interrupted" | "creation_failed" | "removal_pending" | "other";

export type StatusReason = {
  kind: ReasonKind;
  /** The reason in the reader's language. */
  text: string;
  /** The server's own words when `text` does not already say everything; else null. */
  detail: string | null;
};

function exitedText(t: T, code: number | null): string {
  if (code === 137) return t("instances.reason.killed");
  if (code === 143) return t("instances.reason.terminated");
  return code === null ? t("instances.reason.exitedNoCode") : t("instances.reason.exited", { code });
}

// The reasons the server gives by key (statusRef), by kind.
const KINDS: Record<string, ReasonKind> = {
  "serverMessages.instanceStatus.balance": "balance",
  "serverMessages.instanceStatus.removedOutside": "container_removed",
  "serverMessages.instanceStatus.exited": "exited",
  "serverMessages.instanceStatus.exitedCode": "exited",
  "serverMessages.instanceStatus.killed": "exited",
  "serverMessages.instanceStatus.terminated": "exited",
  "serverMessages.instanceStatus.nodeUnreachable": "node_unreachable",
  "serverMessages.instanceStatus.interrupted": "interrupted",
  "serverMessages.instanceStatus.removalPending": "removal_pending",
};

const PAGE_WORDS: Partial<Record<ReasonKind, Parameters<T>[0]>> = {
  balance: "instances.reason.balance",
  container_removed: "instances.reason.containerRemoved",
  interrupted: "instances.reason.interrupted",
  removal_pending: "instances.reason.removalPending",
};

/** The reason from its reference, in the reader's language; null when it has none this UI knows. */
function fromRef(t: T, i: Pick<TInstance, "status" | "statusMessage" | "exitCode"> & { statusRef?: TMessageRef | null }): StatusReason | null {
  const locale = t.locale ?? "en-US";
  const ref = i.statusRef;
  if (!ref || !hasMessage(ref.key) || (i.statusMessage !== null && renderMessage("en-US", ref) !== i.statusMessage)) return null;
  const kind = KINDS[ref.key];
  const param = (name: string) => {
    const v = ref.params?.[name];
    return v === undefined ? undefined : typeof v === "object" ? (v[locale] ?? v["en-US"]) : v;
  };
  if (kind === "exited") return { kind, text: exitedText(t, param("code") !== undefined ? Number(param("code")) : i.exitCode), detail: null };
  if (kind === "node_unreachable")
    return { kind, text: t("instances.reason.nodeUnreachable", { node: String(param("node")) }), detail: String(param("reason") ?? "") || null };
  // Kinds the page words itself (with what to do next), as for reasons stored before references.
  const own = kind ? PAGE_WORDS[kind] : undefined;
  if (kind && own) return { kind, text: t(own), detail: null };
  if (kind) return { kind, text: renderMessage(locale, ref), detail: null };
  // A creation that failed: the heading says so, the reason (translated, Docker's words kept) under it.
  if (i.status === "failed") return { kind: "creation_failed", text: t("instances.reason.creationFailed"), detail: renderMessage(locale, ref) };
  return { kind: "other", text: renderMessage(locale, ref), detail: null };
}

/** The instance's reason, or null when there is none to tell. */
export function statusReason(t: T, i: Pick<TInstance, "status" | "statusMessage" | "exitCode"> & { statusRef?: TMessageRef | null }): StatusReason | null {
  const known = fromRef(t, i);
  if (known) return known;
  // Reasons written before they carried a reference: known phrasings by their words.
  const m = i.statusMessage?.trim();
  if (!m) return i.status === "exited" ? { kind: "exited", text: exitedText(t, i.exitCode), detail: null } : null;
  if (/balance ran out/i.test(m)) return { kind: "balance", text: t("instances.reason.balance"), detail: null };
  if (/removed outside the console/i.test(m)) return { kind: "container_removed", text: t("instances.reason.containerRemoved"), detail: null };
  const exited = /^The container exited(?: with code (-?\d+))?/i.exec(m);
  if (exited) return { kind: "exited", text: exitedText(t, exited[1] !== undefined ? Number(exited[1]) : i.exitCode), detail: null };
  const unreachable = /^Node (.+?) is unreachable(?::\s*([\s\S]*))?$/i.exec(m);
  if (unreachable) return { kind: "node_unreachable", text: t("instances.reason.nodeUnreachable", { node: unreachable[1]! }), detail: unreachable[2] || null };
  if (/console stopped while this instance was being created/i.test(m)) return { kind: "interrupted", text: t("instances.reason.interrupted"), detail: null };
  if (/^Container removal pending/i.test(m)) return { kind: "removal_pending", text: t("instances.reason.removalPending"), detail: null };
  if (i.status === "failed") return { kind: "creation_failed", text: t("instances.reason.creationFailed"), detail: m };
  return { kind: "other", text: m, detail: null };
}
