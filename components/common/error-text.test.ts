// API errors in words: a VALIDATION_FAILED answer names fields in plain words (never
// "Invalid body: ..."), in the user's language, and forms get each issue under its field.
import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/client";
import { translate, type Locale } from "@/lib/i18n";
import type { T } from "../providers/i18n";
import type { FormInstance } from "antd";
import { errorText, fieldErrors, issueMessage, queryIssues, serverMessage, showFormError } from "./error-text";

const tOf =
  (locale: Locale): T =>
  (key, vars) =>
    translate(locale, key, vars);
const invalid = new ApiError(400, "VALIDATION_FAILED", "Invalid body: name: is required; expiresInDays: must be at most 3650", [
  { path: "name", message: "is required" },
  { path: "expiresInDays", message: "must be at most 3650" },
]);

describe("errorText", () => {
  it("lists the fields of a validation failure in plain words", () => {
    const text = errorText(tOf("en-US"), invalid, "en-US");
    expect(text).toBe("Please correct: Name: required; Expires in days: must be at most 3650");
    expect(text).not.toContain("Invalid body");
  });
  it("speaks Chinese for the common phrasings", () => {
    expect(errorText(tOf("zh-CN"), invalid, "zh-CN")).toBe("请修改：Name: 必填; Expires in days: 不能大于 3650");
  });
  it("keeps the server's words for conflicts and translates the rest", () => {
    expect(errorText(tOf("en-US"), new ApiError(409, "NO_CAPACITY", "No node has 2 free GPUs"))).toBe("No node has 2 free GPUs");
    expect(errorText(tOf("en-US"), new ApiError(429, "RATE_LIMITED", "slow down", [], 42))).toBe("Too many attempts. Try again in 42 s.");
    expect(errorText(tOf("en-US"), new ApiError(400, "VALIDATION_FAILED", "Invalid body: x"))).toBe("Some fields are not valid.");
    expect(errorText(tOf("en-US"), new Error("boom"))).toBe("Something went wrong on the server.");
  });
});

describe("fieldErrors", () => {
  it("puts each issue under its field, renamed where the form calls it differently", () => {
    const err = new ApiError(400, "VALIDATION_FAILED", "x", [
      { path: "body.pricePerHourCents", message: "must not be negative" },
      { path: "name", message: "is already used by another spec" },
    ]);
    expect(fieldErrors(err, "en-US", { pricePerHourCents: "price" })).toEqual([
      { name: ["price"], errors: ["Must not be negative"] },
      { name: ["name"], errors: ["Already used by another spec"] },
    ]);
    expect(fieldErrors(err, "zh-CN")[1]!.errors).toEqual(["已被占用"]);
  });
  it("puts a list row's issue under that row's field (antd names rows by number)", () => {
    const err = new ApiError(400, "VALIDATION_FAILED", "x", [
      { path: "apps.1.port", message: "port 8000 is listed twice" },
      { path: "body.apps.0.port", message: "is JupyterLab's on a notebook image; use another port" },
    ]);
    expect(fieldErrors(err, "en-US")).toEqual([
      { name: ["apps", 1, "port"], errors: ["Port 8000 is listed twice"] },
      { name: ["apps", 0, "port"], errors: ["Port 8888 is JupyterLab's on a notebook image; use another port"] },
    ]);
    expect(fieldErrors(err, "zh-CN").map((f) => f.errors[0])).toEqual(["端口 8000 重复了", "笔记本镜像的 8888 端口留给 JupyterLab，请换一个端口"]);
  });
  it("leaves unknown phrasings as the server wrote them, as a sentence", () => {
    expect(issueMessage("zh-CN", "must be unix:///path/to/docker.sock or tcp://host:port")).toBe("Must be unix:///path/to/docker.sock or tcp://host:port");
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
    const err = new ApiError(400, "VALIDATION_FAILED", "x", [{ path: "apps.0.port", message: "must be 1-65535" }]);
    expect(showFormError(tOf("en-US"), "en-US", form, err)).toBe("Some fields need correcting: see the messages under them.");
    expect(set).toEqual([{ name: ["apps", 0, "port"], errors: ["Must be 1-65535"] }]);
  });
  it("names in the toast what has no field on the form", () => {
    const { form, set } = formWith("name");
    expect(showFormError(tOf("zh-CN"), "zh-CN", form, invalid)).toBe("请修改：Expires in days: 不能大于 3650");
    expect(set).toEqual([{ name: ["name"], errors: ["必填"] }]);
  });
});

describe("server-worded conflicts in Chinese", () => {
  it("capacity, balance and state sentences are said in Chinese; unknown ones (Docker's words) stay as they are", () => {
    expect(serverMessage("zh-CN", 'Node local has no room to start "ghost-1" now: needs 1 more CPU cores, 2 GB more memory.')).toBe(
      "节点 local 当前没有足够资源启动“ghost-1”：还需要 1 个 CPU 核、2 GB 内存。",
    );
    expect(serverMessage("zh-CN", 'No capacity for "gpu-1" now: a needs 1 more free GPU; b needs GPU model RTX 4090')).toBe(
      "“gpu-1”当前没有可用资源：节点 a 还需要 1 块空闲 GPU；节点 b 还需要 GPU 型号 RTX 4090",
    );
    expect(
      serverMessage(
        "zh-CN",
        "Your balance is ¥0.50; this needs at least ¥2.40: 60 minutes at ¥2.40/h with what already runs (¥1.20/h). Top up with a recharge code, or stop something first.",
      ),
    ).toBe("您的余额为 ¥0.50；此操作至少需要 ¥2.40（按 ¥2.40/小时计 60 分钟，含正在运行的实例）。请使用充值码充值，或先停止部分实例。");
    const docker = "Image x is not on node a and pulling it failed: manifest unknown";
    expect(serverMessage("zh-CN", docker)).toBe(docker);
    expect(serverMessage("en-US", "The instance is not running")).toBe("The instance is not running");
    // The reader's language comes with useT()'s function.
    const err = new ApiError(409, "NO_CAPACITY", 'No online node can host "cpu-1" now');
    expect(errorText(Object.assign(tOf("zh-CN"), { locale: "zh-CN" as const }), err)).toBe("当前没有在线节点能运行“cpu-1”");
  });
});

describe("maintenance and limits", () => {
  const paused = "The console is under maintenance; launching, starting and submitting are paused";
  it("shows the server's sentence with the administrator's message, in Chinese too", () => {
    const err = new ApiError(503, "MAINTENANCE", `${paused}: Driver upgrade until 14:00`);
    expect(errorText(tOf("en-US"), err, "en-US")).toBe(`${paused}: Driver upgrade until 14:00`);
    expect(errorText(tOf("zh-CN"), err, "zh-CN")).toBe("控制台正在维护，暂停创建、启动实例和提交任务：Driver upgrade until 14:00");
    expect(errorText(tOf("zh-CN"), new ApiError(503, "MAINTENANCE", paused), "zh-CN")).toBe("控制台正在维护，暂停创建、启动实例和提交任务。");
  });
  it("names the limit that is reached", () => {
    const err = new ApiError(409, "LIMIT_REACHED", "You have 5 instances (at most 5); delete one first");
    expect(errorText(tOf("en-US"), err, "en-US")).toBe("You have 5 instances (at most 5); delete one first");
    expect(errorText(tOf("zh-CN"), err, "zh-CN")).toBe("您已有 5 个实例（上限为 5 个），请先删除一个");
    expect(serverMessage("zh-CN", "You have 10 terminals open (at most 10); close one first")).toBe("您已有 10 个打开的终端（上限为 10 个），请先关闭一个");
  });
  it("never shows English to a Chinese reader for a phrasing it does not know", () => {
    expect(errorText(tOf("zh-CN"), new ApiError(409, "LIMIT_REACHED", "Too many widgets"), "zh-CN")).toBe(translate("zh-CN", "errors.LIMIT_REACHED"));
    expect(errorText(tOf("zh-CN"), new ApiError(503, "MAINTENANCE", "Paused"), "zh-CN")).toBe(translate("zh-CN", "errors.MAINTENANCE"));
    expect(errorText(tOf("en-US"), new ApiError(409, "LIMIT_REACHED", ""), "en-US")).toBe(translate("en-US", "errors.LIMIT_REACHED"));
  });
});

describe("job runs' reasons in Chinese", () => {
  it("says why a run waits or how it ended, and leaves unknown sentences as they are", () => {
    expect(serverMessage("zh-CN", "Waiting: your limit of 3 running jobs is reached")).toBe("等待：已达到您的运行任务上限（3 个）");
    expect(serverMessage("zh-CN", "Waiting: no online node has the tags a100, nvme")).toBe("等待：没有在线节点带有标签 a100, nvme");
    expect(serverMessage("zh-CN", 'Waiting: No capacity for "1 GPU" now: gpu-1 needs 1 more free GPU')).toBe(
      "等待：“1 GPU”当前没有可用资源：节点 gpu-1 还需要 1 块空闲 GPU",
    );
    expect(serverMessage("zh-CN", "Exited with code 137 (killed)")).toBe("退出码 137（被强制结束）");
    expect(serverMessage("zh-CN", "Cancelled by alice")).toBe("已由 alice 取消");
    expect(serverMessage("zh-CN", "Stopped: it ran past its timeout of 3 s")).toBe("已停止：运行超过了 3 秒的超时时间");
    expect(serverMessage("zh-CN", "Something new")).toBe("Something new");
    expect(serverMessage("en-US", "Cancelled by alice")).toBe("Cancelled by alice");
  });
});

describe("SSH public key problems", () => {
  it("read as sentences under the field, in either language", () => {
    expect(issueMessage("en-US", "is a private key: paste the public key (the .pub file) and keep the private key to yourself")).toBe(
      "This is a private key: paste the public key (the .pub file) and keep the private key to yourself",
    );
    expect(issueMessage("en-US", "is not an OpenSSH public key (expected e.g. 'ssh-ed25519 AAAA... user@host')")).toMatch(/^This is not an OpenSSH public key/);
    expect(issueMessage("en-US", "is too long for a public key")).toBe("Too long for a public key");
    expect(issueMessage("en-US", "RSA keys need at least 2048 bits; this one has 1024")).toBe("RSA keys need at least 2048 bits; this one has 1024");
    expect(issueMessage("zh-CN", "RSA keys need at least 2048 bits; this one has 1024")).toBe("RSA 密钥至少需要 2048 位，此密钥只有 1024 位");
    expect(issueMessage("zh-CN", "key type ssh-dss is not supported: use ed25519, ECDSA or RSA (at least 2048 bits)")).toBe(
      "不支持密钥类型 ssh-dss：请使用 ed25519、ECDSA 或 RSA（至少 2048 位）",
    );
    expect(issueMessage("zh-CN", "is a private key: paste the public key")).toBe("这是私钥：请粘贴公钥（.pub 文件的内容），私钥请自己保管");
  });
  it("a key already on an account is said in Chinese too", () => {
    expect(serverMessage("zh-CN", "This key (SHA256:abc+/def) is already added to an account; make a new key for this one")).toBe(
      "该密钥（SHA256:abc+/def）已添加到某个账户，请为此账户另外生成一个密钥",
    );
  });
});

describe("queryIssues", () => {
  it("puts a refused query's issues by filter, the first of each, in the reader's language", () => {
    const err = new ApiError(400, "VALIDATION_FAILED", "Invalid query", [
      { path: "query.to", message: "must be after from" },
      { path: "query.to", message: "must be an ISO-8601 time" },
      { path: "q", message: "must be at most 100 characters" },
    ]);
    expect(queryIssues(err, "en-US")).toEqual({ to: "Must be after from", q: "Must be at most 100 characters" });
    expect(queryIssues(err, "zh-CN")?.q).toBe("最多 100 个字符");
  });
  it("is null for other errors", () => {
    expect(queryIssues(new ApiError(500, "INTERNAL", "boom"), "en-US")).toBeNull();
    expect(queryIssues(new Error("boom"), "en-US")).toBeNull();
  });
});
