// API errors in words: a VALIDATION_FAILED answer names fields in plain words (never
// "Invalid body: ..."), in the user's language, and forms get each issue under its field.
// Server messages come as keys and parameters (as the server builds them, with ref()), and
// are said in the reader's language; the English stays for keys this UI does not know.
import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/client";
import type { ErrorCode, ErrorIssue } from "@/lib/contracts/errors";
import { translate, type Locale } from "@/lib/i18n";
import { issueRef, joined, type MessageRef, ref, renderMessage } from "@/lib/i18n/message-ref";
import type { T } from "../providers/i18n";
import type { FormInstance } from "antd";
import { errorText, fieldErrors, issueMessage, queryIssues, showFormError, statusText } from "./error-text";

const tOf =
  (locale: Locale): T =>
  (key, vars) =>
    translate(locale, key, vars);
/** Issues as the server sends them: the English message with its key and parameters. */
const keyed = (...issues: ErrorIssue[]): ErrorIssue[] => issues.map((i) => ({ ...i, ...issueRef(i.message) }));
/** An API error as the client builds it from an answer with messageKey/params. */
const refused = (status: number, code: ErrorCode, r: MessageRef) => new ApiError(status, code, renderMessage("en-US", r), [], undefined, "req", r);
const zh = Object.assign(((key, vars) => translate("zh-CN", key, vars)) as T, { locale: "zh-CN" as const });

const invalid = new ApiError(
  400,
  "VALIDATION_FAILED",
  "Invalid body: name: is required; expiresInDays: must be at most 3650",
  keyed({ path: "name", message: "is required" }, { path: "expiresInDays", message: "must be at most 3650" }),
);

describe("errorText", () => {
  it("lists the fields of a validation failure in plain words", () => {
    const text = errorText(tOf("en-US"), invalid, "en-US");
    expect(text).toBe("Please correct: Name: required; Expires in days: must be at most 3650");
    expect(text).not.toContain("Invalid body");
  });
  it("speaks Chinese from the issues' keys", () => {
    expect(errorText(tOf("zh-CN"), invalid, "zh-CN")).toBe("请修改：Name: 必填; Expires in days: 不能大于 3650");
  });
  it("keeps the server's words for conflicts without a key and translates the rest", () => {
    expect(errorText(tOf("en-US"), new ApiError(409, "NO_CAPACITY", "No node has 2 free GPUs"))).toBe("No node has 2 free GPUs");
    expect(errorText(tOf("en-US"), new ApiError(429, "RATE_LIMITED", "slow down", [], 42))).toBe("Too many attempts. Try again in 42 s.");
    expect(errorText(tOf("en-US"), new ApiError(400, "VALIDATION_FAILED", "Invalid body: x"))).toBe("Some fields are not valid.");
    expect(errorText(tOf("en-US"), new Error("boom"))).toBe("Something went wrong on the server.");
  });
  it("says other codes in their own sentence even when the server sent a key", () => {
    expect(errorText(zh, refused(404, "RECHARGE_CODE_UNKNOWN", ref("serverMessages.recharge.unknown")))).toBe(
      translate("zh-CN", "errors.RECHARGE_CODE_UNKNOWN"),
    );
  });
  it("shows Docker's own words (a key-less ENGINE_ERROR) as they are", () => {
    const docker = "Image x is not on node a and pulling it failed: manifest unknown";
    expect(errorText(zh, new ApiError(502, "ENGINE_ERROR", docker))).toBe(docker);
  });
});

describe("fieldErrors", () => {
  it("puts each issue under its field, renamed where the form calls it differently", () => {
    const err = new ApiError(
      400,
      "VALIDATION_FAILED",
      "x",
      keyed({ path: "body.pricePerHourCents", message: "must not be negative" }, { path: "name", message: "is already used by another spec" }),
    );
    expect(fieldErrors(err, "en-US", { pricePerHourCents: "price" })).toEqual([
      { name: ["price"], errors: ["Must not be negative"] },
      { name: ["name"], errors: ["Already used by another spec"] },
    ]);
    expect(fieldErrors(err, "zh-CN")[1]!.errors).toEqual(["已被其他规格占用"]);
  });
  it("puts a list row's issue under that row's field (antd names rows by number)", () => {
    const err = new ApiError(
      400,
      "VALIDATION_FAILED",
      "x",
      keyed(
        { path: "apps.1.port", message: "port 8000 is listed twice" },
        { path: "body.apps.0.port", message: "is JupyterLab's on a notebook image; use another port" },
      ),
    );
    expect(fieldErrors(err, "en-US")).toEqual([
      { name: ["apps", 1, "port"], errors: ["Port 8000 is listed twice"] },
      { name: ["apps", 0, "port"], errors: ["Port 8888 is JupyterLab's on a notebook image; use another port"] },
    ]);
    expect(fieldErrors(err, "zh-CN").map((f) => f.errors[0])).toEqual(["端口 8000 重复了", "笔记本镜像的 8888 端口留给 JupyterLab，请换一个端口"]);
  });
  it("leaves phrasings without a key as the server wrote them, as a sentence", () => {
    expect(issueMessage("zh-CN", "must be unix:///path/to/docker.sock or tcp://host:port")).toBe("Must be unix:///path/to/docker.sock or tcp://host:port");
    expect(issueMessage("zh-CN", { path: "x", message: "is odd", key: "serverMessages.issues.noSuchKey" })).toBe("Is odd");
  });
});

describe("showFormError", () => {
  /** The two calls showFormError makes on an antd form, over a form with these fields. */
  const formWith = (...names: string[]) => {
    const set: unknown[] = [];
    const form = { getFieldsError: () => names.map((n) => ({ name: [n], errors: [] })), setFields: (f: unknown[]) => set.push(...f) };
    return { form: form as unknown as FormInstance, set };
  };
  it("puts issues on the form's fields and asks to look at them", () => {
    const { form, set } = formWith("name", "expiresInDays");
    expect(showFormError(tOf("en-US"), "en-US", form, invalid)).toBe("Some fields need correcting: see the messages under them.");
    expect(set).toEqual([
      { name: ["name"], errors: ["Required"] },
      { name: ["expiresInDays"], errors: ["Must be at most 3650"] },
    ]);
  });
  it("finds a list row's field on the form", () => {
    const set: unknown[] = [];
    const form = { getFieldsError: () => [{ name: ["apps", 0, "port"], errors: [] }], setFields: (f: unknown[]) => set.push(...f) } as unknown as FormInstance;
    const err = new ApiError(400, "VALIDATION_FAILED", "x", keyed({ path: "apps.0.port", message: "must be 1-65535" }));
    expect(showFormError(tOf("en-US"), "en-US", form, err)).toBe("Some fields need correcting: see the messages under them.");
    expect(set).toEqual([{ name: ["apps", 0, "port"], errors: ["Must be 1-65535"] }]);
  });
  it("names in the toast what has no field on the form", () => {
    const { form, set } = formWith("name");
    expect(showFormError(tOf("zh-CN"), "zh-CN", form, invalid)).toBe("请修改：Expires in days: 不能大于 3650");
    expect(set).toEqual([{ name: ["name"], errors: ["必填"] }]);
  });
});

describe("server messages by key", () => {
  it("capacity, with what is missing on each node said in the reader's language", () => {
    const noRoom = ref("serverMessages.capacity.noRoom", {
      node: "local",
      name: "ghost-1",
      missing: [ref("serverMessages.missing.cpu", { count: 1 }), ref("serverMessages.missing.memory", { count: 2 })],
    });
    const err = refused(409, "NO_CAPACITY", noRoom);
    expect(err.message).toBe('Node local has no room to start "ghost-1" now: needs 1 more CPU cores, 2 GB more memory.');
    expect(errorText(tOf("en-US"), err, "en-US")).toBe(err.message);
    expect(errorText(zh, err)).toBe("节点 local 当前没有足够资源启动“ghost-1”：还需要 1 个 CPU 核、2 GB 内存。");
    const none = ref("serverMessages.capacity.none", {
      spec: "gpu-1",
      reasons: joined(
        [
          ref("serverMessages.capacity.nodeNeeds", { node: "a", missing: [ref("serverMessages.missing.gpu", { count: 1 })] }),
          ref("serverMessages.capacity.nodeNeeds", { node: "b", missing: [ref("serverMessages.missing.gpuModel", { model: "RTX 4090" })] }),
        ],
        "clauses",
      ),
    });
    expect(renderMessage("en-US", none)).toBe('No capacity for "gpu-1" now: a needs 1 more free GPU; b needs GPU model RTX 4090');
    expect(errorText(zh, refused(409, "NO_CAPACITY", none))).toBe("“gpu-1”当前没有可用资源：节点 a 还需要 1 块空闲 GPU；节点 b 还需要 GPU 型号 RTX 4090");
  });
  it("balance", () => {
    const r = ref("serverMessages.balance.insufficientRunning", { balance: "¥0.50", needed: "¥2.40", minutes: 60, burn: "¥2.40", running: "¥1.20" });
    expect(renderMessage("en-US", r)).toBe(
      "Your balance is ¥0.50; this needs at least ¥2.40: 60 minutes at ¥2.40/h with what already runs (¥1.20/h). Top up with a recharge code, or stop something first.",
    );
    expect(errorText(zh, refused(422, "INSUFFICIENT_BALANCE", r))).toBe(
      "您的余额为 ¥0.50；此操作至少需要 ¥2.40（按 ¥2.40/小时计 60 分钟，含正在运行的 ¥1.20/小时）。请使用充值码充值，或先停止部分实例。",
    );
  });
  it("a key this UI does not know (a newer server) shows the English", () => {
    const err = new ApiError(409, "INVALID_STATE", "Something new", [], undefined, "req", { key: "serverMessages.fromTheFuture" });
    expect(errorText(zh, err)).toBe("Something new");
  });
  it("a key already on an account", () => {
    const r = ref("serverMessages.sshKeyInUse", { fingerprint: "SHA256:abc+/def" });
    expect(errorText(zh, refused(409, "CONFLICT", r))).toBe("该密钥（SHA256:abc+/def）已添加到某个账户，请为此账户另外生成一个密钥");
  });
});

describe("maintenance and limits", () => {
  const paused = "The console is under maintenance; launching, starting and submitting are paused";
  it("shows the server's sentence with the administrator's message, in Chinese too", () => {
    const err = refused(503, "MAINTENANCE", ref("serverMessages.maintenanceWhy", { message: "Driver upgrade until 14:00" }));
    expect(errorText(tOf("en-US"), err, "en-US")).toBe(`${paused}: Driver upgrade until 14:00`);
    expect(errorText(tOf("zh-CN"), err, "zh-CN")).toBe("控制台正在维护，暂停创建、启动实例和提交任务：Driver upgrade until 14:00");
    expect(errorText(tOf("zh-CN"), refused(503, "MAINTENANCE", ref("serverMessages.maintenance")), "zh-CN")).toBe(
      "控制台正在维护，暂停创建、启动实例和提交任务。",
    );
  });
  it("names the limit that is reached", () => {
    const err = refused(409, "LIMIT_REACHED", ref("serverMessages.limits.instances", { count: 5, max: 5 }));
    expect(errorText(tOf("en-US"), err, "en-US")).toBe("You have 5 instances (at most 5); delete one first");
    expect(errorText(tOf("zh-CN"), err, "zh-CN")).toBe("您已有 5 个实例（上限为 5 个），请先删除一个");
  });
  it("never shows English to a Chinese reader for an everyday refusal without a key", () => {
    expect(errorText(tOf("zh-CN"), new ApiError(409, "LIMIT_REACHED", "Too many widgets"), "zh-CN")).toBe(translate("zh-CN", "errors.LIMIT_REACHED"));
    expect(errorText(tOf("zh-CN"), new ApiError(503, "MAINTENANCE", "Paused"), "zh-CN")).toBe(translate("zh-CN", "errors.MAINTENANCE"));
    expect(errorText(tOf("en-US"), new ApiError(409, "LIMIT_REACHED", ""), "en-US")).toBe(translate("en-US", "errors.LIMIT_REACHED"));
  });
});

describe("status reasons (statusRef beside statusMessage)", () => {
  const say = (locale: Locale, r: MessageRef) => statusText(locale, r, renderMessage("en-US", r));
  it("says why a run waits or how it ended", () => {
    expect(say("zh-CN", ref("serverMessages.run.waitingLimitMany", { limit: 3 }))).toBe("等待：已达到您的运行任务上限（3 个）");
    expect(say("zh-CN", ref("serverMessages.run.waitingTags", { tags: "a100, nvme" }))).toBe("等待：没有在线节点带有标签 a100, nvme");
    const capacity = ref("serverMessages.capacity.none", {
      spec: "1 GPU",
      reasons: [ref("serverMessages.capacity.nodeNeeds", { node: "gpu-1", missing: [ref("serverMessages.missing.gpu", { count: 1 })] })],
    });
    const waiting = ref("serverMessages.run.waiting", { reason: capacity });
    expect(renderMessage("en-US", waiting)).toBe('Waiting: No capacity for "1 GPU" now: gpu-1 needs 1 more free GPU');
    expect(say("zh-CN", waiting)).toBe("等待：“1 GPU”当前没有可用资源：节点 gpu-1 还需要 1 块空闲 GPU");
    expect(say("zh-CN", ref("serverMessages.run.exitedKilled", { code: 137 }))).toBe("退出码 137（被强制结束）");
    expect(say("zh-CN", ref("serverMessages.run.cancelledBy", { user: "alice" }))).toBe("已由 alice 取消");
    expect(say("zh-CN", ref("serverMessages.run.timeout", { seconds: 3 }))).toBe("已停止：运行超过了 3 秒的超时时间");
    expect(say("en-US", ref("serverMessages.run.cancelledBy", { user: "alice" }))).toBe("Cancelled by alice");
  });
  it("shows the English when there is no reference, or it no longer says what the text says", () => {
    expect(statusText("zh-CN", null, "Slurm: PENDING (Priority)")).toBe("Slurm: PENDING (Priority)");
    expect(statusText("zh-CN", ref("serverMessages.run.cancelledBy", { user: "alice" }), "Slurm: RUNNING on n1")).toBe("Slurm: RUNNING on n1");
    expect(statusText("zh-CN", null, null)).toBeNull();
  });
});

describe("SSH public key problems", () => {
  const issue = (message: string): ErrorIssue => ({ path: "publicKey", message, ...issueRef(message) });
  it("read as sentences under the field, in either language", () => {
    expect(issueMessage("en-US", issue("is a private key: paste the public key (the .pub file) and keep the private key to yourself"))).toBe(
      "This is a private key: paste the public key (the .pub file) and keep the private key to yourself",
    );
    expect(issueMessage("en-US", issue("is not an OpenSSH public key (expected e.g. 'ssh-ed25519 AAAA... user@host')"))).toMatch(
      /^This is not an OpenSSH public key/,
    );
    expect(issueMessage("en-US", issue("is too long for a public key"))).toBe("Too long for a public key");
    expect(issueMessage("en-US", issue("RSA keys need at least 2048 bits; this one has 1024"))).toBe("RSA keys need at least 2048 bits; this one has 1024");
    expect(issueMessage("zh-CN", issue("RSA keys need at least 2048 bits; this one has 1024"))).toBe("RSA 密钥至少需要 2048 位，此密钥只有 1024 位");
    expect(issueMessage("zh-CN", issue("key type ssh-dss is not supported: use ed25519, ECDSA or RSA (at least 2048 bits)"))).toBe(
      "不支持密钥类型 ssh-dss：请使用 ed25519、ECDSA 或 RSA（至少 2048 位）",
    );
    expect(issueMessage("zh-CN", issue("is a private key: paste the public key"))).toBe("这是私钥：请粘贴公钥");
  });
});

describe("queryIssues", () => {
  it("puts a refused query's issues by filter, the first of each, in the reader's language", () => {
    const err = new ApiError(
      400,
      "VALIDATION_FAILED",
      "Invalid query",
      keyed(
        { path: "query.to", message: "must be after from" },
        { path: "query.to", message: "must be an ISO-8601 time" },
        { path: "q", message: "must be at most 100 characters" },
      ),
    );
    expect(queryIssues(err, "en-US")).toEqual({ to: "Must be after from", q: "Must be at most 100 characters" });
    expect(queryIssues(err, "zh-CN")?.q).toBe("最多 100 个字符");
  });
  it("is null for other errors", () => {
    expect(queryIssues(new ApiError(500, "INTERNAL", "boom"), "en-US")).toBeNull();
    expect(queryIssues(new Error("boom"), "en-US")).toBeNull();
  });
});
