import { LOCALES, type Locale, MESSAGES, type MessageKey, translate } from "./index";

// Server messages as references: a dictionary key and its parameters, rendered in the
// reader's language (the API keeps the English rendering in `message` for scripts). A part
// that is itself a message (what capacity is missing, a list of reasons) travels as a
// parameter already rendered in every locale, so a reference never nests. Browser-safe.

/** A parameter rendered in every locale (a nested message or a list of them). */
export type LocalizedText = Record<Locale, string>;
export type MessageParam = string | number | LocalizedText;
export type MessageRef = { key: string; params?: Record<string, MessageParam> };

export type ServerMessageKey = Extract<MessageKey, `serverMessages.${string}`>;
/** What `ref` accepts as a parameter: nested references are rendered in every locale at once. */
export type RefParam = MessageParam | MessageRef | MessageRef[] | undefined;

function isRef(v: unknown): v is MessageRef {
  return typeof v === "object" && v !== null && typeof (v as { key?: unknown }).key === "string";
}

/** A reference to a server message; nested references (and lists of them) become localized parameters. */
export function ref(key: ServerMessageKey | MessageKey, params?: Record<string, RefParam>): MessageRef {
  if (!params) return { key };
  const out: Record<string, MessageParam> = {};
  for (const [name, v] of Object.entries(params)) {
    if (v === undefined) continue;
    out[name] = Array.isArray(v) ? joined(v) : isRef(v) ? localized(v) : v;
  }
  return { key, params: out };
}

/** A reference rendered in every locale. */
export function localized(r: MessageRef): LocalizedText {
  return Object.fromEntries(LOCALES.map((l) => [l, renderMessage(l, r)])) as LocalizedText;
}

/**
 * Several references as one text: a list joined the way each locale joins one ("a, b" / "a、b"),
 * clauses ("a; b" / "a；b"), or parts that carry their own punctuation, run together.
 */
export function joined(refs: MessageRef[], how: "list" | "clauses" | "parts" = "list"): LocalizedText {
  return Object.fromEntries(
    LOCALES.map((l) => [l, refs.map((r) => renderMessage(l, r)).join(how === "parts" ? "" : translate(l, `serverMessages.sep.${how}`))]),
  ) as LocalizedText;
}

function paramIn(locale: Locale, v: MessageParam): string | number {
  return typeof v === "object" ? (v[locale] ?? v["en-US"]) : v;
}

/** A reference in `locale`; a key neither dictionary knows comes back as null. */
export function renderMessage(locale: Locale, r: MessageRef): string {
  const vars: Record<string, string | number> = {};
  for (const [name, v] of Object.entries(r.params ?? {})) vars[name] = paramIn(locale, v);
  return translate(locale, r.key as MessageKey, vars);
}

/** Whether the dictionaries hold a template for `key` (a reference from a newer server may not). */
export function hasMessage(key: string): boolean {
  return translate("en-US", key as MessageKey) !== key;
}

/** A stored reference (the statusRef column's JSON), or null when absent or unreadable. */
export function parseRef(json: string | null | undefined): MessageRef | null {
  if (!json) return null;
  try {
    const v: unknown = JSON.parse(json);
    return isRef(v) ? v : null;
  } catch {
    return null;
  }
}

// Validation issues: the server's English issue phrasings are the `serverMessages.issues`
// templates, so an English issue maps back to its key and parameters by matching them.
type IssueMatcher = { key: string; re: RegExp; names: string[] };
let matchers: IssueMatcher[] | null = null;

function issueMatchers(): IssueMatcher[] {
  if (matchers) return matchers;
  matchers = Object.entries(MESSAGES["en-US"].serverMessages.issues as Record<string, string>)
    .filter(([name]) => name !== "other")
    .map(([name, text]) => {
      const names: string[] = [];
      const source = text
        .split(/(\{\w+\})/)
        .map((part) => {
          const m = /^\{(\w+)\}$/.exec(part);
          if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          names.push(m[1]!);
          return "(.+?)";
        })
        .join("");
      return { key: `serverMessages.issues.${name}`, re: new RegExp(`^${source}$`), names };
    });
  return matchers;
}

/** An English issue message ("must be at most 64 characters") as a key and parameters. */
export function issueRef(message: string): MessageRef {
  for (const m of issueMatchers()) {
    const found = m.re.exec(message);
    if (!found) continue;
    const params: Record<string, MessageParam> = {};
    m.names.forEach((name, k) => {
      const v = found[k + 1]!;
      params[name] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    });
    return m.names.length ? { key: m.key, params } : { key: m.key };
  }
  return { key: "serverMessages.issues.other", params: { text: message } };
}

/** The columns a status reason is stored in: the English text and the reference beside it (JSON). */
export function statusFields(reason: StatusReason | null): { statusMessage: string | null; statusRef: string | null } {
  if (reason === null) return { statusMessage: null, statusRef: null };
  if (typeof reason === "string") return { statusMessage: reason, statusRef: null };
  return { statusMessage: renderMessage("en-US", reason), statusRef: JSON.stringify(reason) };
}

/** A status reason: a reference, or English text where the words are someone else's (Slurm's, an engine's). */
export type StatusReason = MessageRef | string;

/** A reason's English text. */
export function reasonText(reason: StatusReason): string {
  return typeof reason === "string" ? reason : renderMessage("en-US", reason);
}

/** A reason as a reference (text that has none is shown as it is in every locale). */
export function asRef(reason: StatusReason): MessageRef {
  return typeof reason === "string" ? { key: "serverMessages.text", params: { text: reason } } : reason;
}
