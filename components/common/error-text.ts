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
  "MAINTENANCE",
  "LIMIT_REACHED",
]);

// Of those, everyday refusals that must read in the user's language: a phrasing not known
// here gives way to the code's own sentence rather than the server's English.
const WORDED_IN_LANGUAGE: ReadonlySet<ApiError["code"]> = new Set<ApiError["code"]>(["MAINTENANCE", "LIMIT_REACHED"]);

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
  // SSH public keys (server/ssh/public-key.ts).
  [/^is a private key\b.*$/, () => "这是私钥：请粘贴公钥（.pub 文件的内容），私钥请自己保管"],
  [/^must be one line\b.*$/, () => "必须是一行（.pub 文件的内容）"],
  [/^is not an OpenSSH public key\b.*$/, () => "不是 OpenSSH 公钥（应形如 ssh-ed25519 AAAA... user@host）"],
  [/^(\S+) \(security-key\) keys are not supported\b.*$/, (m) => `不支持 ${m[1]}（安全密钥）类型的密钥：请使用 ed25519、ECDSA 或 RSA`],
  [/^key type (\S+) is not supported\b.*?(\d+) bits\)$/, (m) => `不支持密钥类型 ${m[1]}：请使用 ed25519、ECDSA 或 RSA（至少 ${m[2]} 位）`],
  [/^the key's base64 part is damaged$/, () => "密钥的 base64 部分已损坏"],
  [/^the key could not be read\b.*$/, () => "无法读取该密钥：密钥已损坏或不完整"],
  [/^says (\S+) but holds a (\S+) key$/, (m) => `标明为 ${m[1]}，实际却是 ${m[2]} 密钥`],
  [/^RSA keys need at least (\d+) bits; this one has (\d+)$/, (m) => `RSA 密钥至少需要 ${m[1]} 位，此密钥只有 ${m[2]} 位`],
  [/^is too long for a public key$/, () => "对公钥来说过长"],
  // Images' web apps (lib/contracts/images.ts).
  [/^must be 1-65535$/, () => "必须在 1-65535 之间"],
  [/^port (\d+) is listed twice$/, (m) => `端口 ${m[1]} 重复了`],
  [/^is JupyterLab's on a notebook image\b.*$/, () => "笔记本镜像的 8888 端口留给 JupyterLab，请换一个端口"],
  [/^at most (\d+) apps$/, (m) => `最多 ${m[1]} 个应用`],
];

/** What capacity is missing ("1 more CPU cores, 2 GB more memory"), in Chinese; unknown parts as they are. */
function zhMissing(list: string): string {
  return list
    .split(/, (?=\d|GPU|to be|an image|HAMi|its HAMi)/)
    .map((part) => {
      const rules: [RegExp, (m: RegExpExecArray) => string][] = [
        [/^(\d+) more CPU cores?$/, (m) => `${m[1]} 个 CPU 核`],
        [/^(\d+) GB more memory$/, (m) => `${m[1]} GB 内存`],
        [/^(\d+) more free GPUs?$/, (m) => `${m[1]} 块空闲 GPU`],
        [/^GPU model (.+)$/, (m) => `GPU 型号 ${m[1]}`],
        [/^(\d+) GB of memory per GPU$/, (m) => `每块 GPU ${m[1]} GB 显存`],
        [/^to be online \(it is (\w+)\)$/, (m) => `处于在线状态（当前：${m[1]}）`],
        [/^HAMi-core on the node for GPU memory split$/, () => "节点上的 HAMi-core（用于 GPU 显存切分）"],
        [/^its HAMi-core library to pass the node's connection test$/, () => "其 HAMi-core 库通过节点连接测试"],
        [/^an image that supports GPU memory split$/, () => "支持 GPU 显存切分的镜像"],
      ];
      for (const [re, zh] of rules) {
        const m = re.exec(part);
        if (m) return zh(m);
      }
      return part;
    })
    .join("、");
}

/** "You have 5 instances (at most 5); delete one first" in Chinese. */
function zhLimit(m: RegExpExecArray): string {
  const what: Record<string, string> = {
    instances: "个实例",
    "terminals open": "个打开的终端",
    "SSH sessions open": "个打开的 SSH 会话",
    "running jobs": "个运行中的任务",
  };
  const verb: Record<string, string> = { delete: "删除", close: "关闭", stop: "停止" };
  return `您已有 ${m[1]} ${what[m[2]!]}（上限为 ${m[3]} 个），请先${verb[m[4]!]}一个`;
}

// The server's most common sentences for conflicts (capacity, balance, state), in Chinese;
// anything else is shown as the server said it (Docker's own reasons stay as Docker said them).
const ZH_MESSAGES: [RegExp, (m: RegExpExecArray) => string][] = [
  [
    /^The console is under maintenance; launching, starting and submitting are paused(?:: ([\s\S]+))?$/,
    (m) => `控制台正在维护，暂停创建、启动实例和提交任务${m[1] ? `：${m[1]}` : "。"}`,
  ],
  [/^You have (\d+) (instances|terminals open|SSH sessions open|running jobs) \(at most (\d+)\); (delete|close|stop) one first$/, (m) => zhLimit(m)],
  [
    /^Node (.+) has no room to start "(.+)" now: needs (.+?)\.( It can start without GPU.*)?$/,
    (m) => `节点 ${m[1]} 当前没有足够资源启动“${m[2]}”：还需要 ${zhMissing(m[3]!)}。${m[4] ? "可以不带 GPU 启动，数据保留。" : ""}`,
  ],
  [/^This key \((\S+)\) is already added to an account; make a new key for this one$/, (m) => `该密钥（${m[1]}）已添加到某个账户，请为此账户另外生成一个密钥`],
  [/^You have (\d+) SSH keys \(the most an account may have\); delete one first$/, (m) => `您已有 ${m[1]} 个 SSH 密钥（每个账户的上限），请先删除一个`],
  [/^No online node can host "(.+)" now$/, (m) => `当前没有在线节点能运行“${m[1]}”`],
  [
    /^No capacity for "(.+)" now: (.+)$/,
    (m) =>
      `“${m[1]}”当前没有可用资源：${m[2]!
        .split("; ")
        .map((r) => r.replace(/^(.+?) needs (.+)$/, (_, node: string, what: string) => `节点 ${node} 还需要 ${zhMissing(what)}`))
        .join("；")}`,
  ],
  [/^No node can run image (.+?) now: .*$/, (m) => `当前没有节点能运行镜像 ${m[1]}（节点无法获取该镜像）`],
  [
    /^Node (.+) is (offline|unknown); pick another node or let the console choose$/,
    (m) => `节点 ${m[1]} 当前${m[2] === "offline" ? "离线" : "状态未知"}，请选择其他节点或由控制台自动选择`,
  ],
  [/^Node (.+) is offline$/, (m) => `节点 ${m[1]} 已离线`],
  [/^The instance's node does not answer$/, () => "实例所在节点没有响应"],
  [/^The instance is still being created$/, () => "实例仍在创建中"],
  [/^The instance is not running$/, () => "实例未在运行"],
  [/^Another operation on this instance is in progress; try again in a moment$/, () => "该实例正在执行其他操作，请稍后再试"],
  [
    /^Your balance is (.+?); this needs at least (.+?): (\d+) minutes at (.+?)\/h( with what already runs)?.*$/,
    (m) =>
      `您的余额为 ${m[1]}；此操作至少需要 ${m[2]}（按 ${m[4]}/小时计 ${m[3]} 分钟${m[5] ? "，含正在运行的实例" : ""}）。请使用充值码充值，或先停止部分实例。`,
  ],
];

// Why a job run waits, or how it ended (its statusMessage), in Chinese.
const ZH_RUN_MESSAGES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Waiting: your limit of (\d+) running jobs? is reached$/, (m) => `等待：已达到您的运行任务上限（${m[1]} 个）`],
  [/^Waiting: no online node has the tags? (.+)$/, (m) => `等待：没有在线节点带有标签 ${m[1]}`],
  [/^Waiting: (.+)$/, (m) => `等待：${serverMessage("zh-CN", m[1]!)}`],
  [/^Stopped: it ran past its timeout of (\d+) s$/, (m) => `已停止：运行超过了 ${m[1]} 秒的超时时间`],
  [
    /^Exited with code (\d+)( \(out of memory\)| \(killed\))?$/,
    (m) => `退出码 ${m[1]}${m[2] ? (m[2].includes("memory") ? "（内存不足）" : "（被强制结束）") : ""}`,
  ],
  [/^Cancelled by (.+)$/, (m) => `已由 ${m[1]} 取消`],
  [/^Cancelled because the balance ran out.*$/, () => "余额用尽，已取消；充值后可再次运行"],
  [/^Cancelled: the job was deleted(?: by (.+))?$/, (m) => `已取消：任务已被${m[1] ? ` ${m[1]} ` : ""}删除`],
  [/^Cancelled: the job (?:was disabled by (.+)|is disabled)$/, (m) => `已取消：任务已被${m[1] ? ` ${m[1]} ` : ""}停用`],
  [/^Replaced by a newer scheduled run \(overlap: replace\)$/, () => "已被更新的计划运行取代"],
  [/^The console process running it stopped answering$/, () => "运行它的控制台进程已无响应"],
];

/** A server-worded message in the user's language where its phrasing is known. */
export function serverMessage(locale: Locale, message: string): string {
  if (locale === "zh-CN") {
    for (const [re, zh] of [...ZH_RUN_MESSAGES, ...ZH_MESSAGES]) {
      const m = re.exec(message);
      if (m) return zh(m);
    }
  }
  return message;
}

/** One issue's message in the user's language, as a sentence ("Is required" → "Required"). */
export function issueMessage(locale: Locale, message: string): string {
  if (locale === "zh-CN") {
    for (const [re, zh] of ZH_ISSUES) {
      const m = re.exec(message);
      if (m) return zh(m);
    }
  }
  // "is a private key: …" under its field reads "This is a private key: …".
  const text = message
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
  const message = issueMessage(locale, i.message);
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
  // Conflicts carry specifics worth showing as the server phrased them (what capacity is
  // missing, which state blocks the action, why the node cannot be reached, Docker's own
  // reason, which limit is reached, the administrator's maintenance message).
  if (SERVER_WORDED.has(err.code) && err.message) {
    const text = serverMessage(locale, err.message);
    if (locale !== "en-US" && text === err.message && WORDED_IN_LANGUAGE.has(err.code)) return t(`errors.${err.code}` as MessageKey);
    return text;
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
    out[field] ??= issueMessage(locale, i.message);
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
    errors: [issueMessage(locale, i.message)],
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
