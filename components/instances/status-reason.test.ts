// The reasons the server gives in known words are said in the reader's language; other words
// (Docker errors) are kept under a translated heading.
import { describe, expect, it } from "vitest";
import { translate } from "@/lib/i18n";
import { ref, renderMessage, statusFields } from "@/lib/i18n/message-ref";
import { statusReason } from "./status-reason";

const zh = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate("zh-CN", key, vars);
const en = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate("en-US", key, vars);

describe("statusReason", () => {
  it("translates the balance stop", () => {
    const r = statusReason(zh, {
      status: "stopped",
      statusMessage: "Stopped because the balance ran out; top up, then start it again (its data is kept)",
      exitCode: null,
    });
    expect(r).toEqual({ kind: "balance", text: "余额已用完，实例已停止。充值后可重新启动，数据会保留。", detail: null });
  });

  it("names exit codes, with what 137 and 143 mean", () => {
    expect(statusReason(en, { status: "exited", statusMessage: "The container exited with code 3", exitCode: 3 })?.text).toBe(
      "The container exited with code 3",
    );
    expect(
      statusReason(zh, { status: "exited", statusMessage: "The container exited with code 137 (killed: SIGKILL or out of memory)", exitCode: 137 })?.text,
    ).toBe("容器被强制终止（退出码 137：SIGKILL 或内存不足）");
    expect(statusReason(en, { status: "exited", statusMessage: null, exitCode: 143 })?.text).toBe("The container was terminated (code 143: SIGTERM)");
  });

  it("keeps an unreachable node's name and the engine's words as detail", () => {
    const r = statusReason(zh, { status: "unknown", statusMessage: "Node gpu-7 is unreachable: connect ECONNREFUSED 10.0.0.7:2376", exitCode: null });
    expect(r).toEqual({ kind: "node_unreachable", text: "无法连接其所在节点 gpu-7", detail: "connect ECONNREFUSED 10.0.0.7:2376" });
  });

  it("puts an unknown failure under a translated heading, and has nothing to say without a reason", () => {
    expect(statusReason(zh, { status: "failed", statusMessage: "Docker on n1 refused to create the container: socket hang up", exitCode: null })).toEqual({
      kind: "creation_failed",
      text: "容器创建失败",
      detail: "Docker on n1 refused to create the container: socket hang up",
    });
    expect(statusReason(en, { status: "stopped", statusMessage: null, exitCode: null })).toBeNull();
    expect(statusReason(en, { status: "running", statusMessage: "   ", exitCode: null })).toBeNull();
  });

  it("reads the reason from its reference (statusRef) when there is one", () => {
    const zhT = Object.assign(zh, { locale: "zh-CN" as const });
    const gone = statusFields(ref("serverMessages.instanceStatus.nodeUnreachable", { node: "gpu-7", reason: "connect ECONNREFUSED" }));
    const r = statusReason(zhT, { status: "unknown", statusMessage: gone.statusMessage, statusRef: JSON.parse(gone.statusRef!), exitCode: null });
    expect(r).toEqual({
      kind: "node_unreachable",
      text: translate("zh-CN", "instances.reason.nodeUnreachable", { node: "gpu-7" }),
      detail: "connect ECONNREFUSED",
    });
    // A failed creation: the heading, and the reason in Chinese (the engine's own words kept inside).
    const pull = ref("serverMessages.instance.pullFailed", { image: "busybox", node: "n1", reason: "manifest unknown" });
    expect(statusReason(zhT, { status: "failed", statusMessage: renderMessage("en-US", pull), statusRef: pull, exitCode: null })).toEqual({
      kind: "creation_failed",
      text: translate("zh-CN", "instances.reason.creationFailed"),
      detail: "节点 n1 上没有镜像 busybox，且拉取失败：manifest unknown",
    });
  });
});
