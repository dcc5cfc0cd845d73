// Notifications are said in the reader's language from their kind and parameters.
import { describe, expect, it } from "vitest";
import type { TNotification } from "@/lib/contracts/notifications";
import { translate } from "@/lib/i18n";
import { notificationText } from "./notification-text";

const n = (over: Partial<TNotification>): TNotification => ({
  id: "n1",
  kind: "balance_low",
  params: {},
  link: null,
  createdAt: "2026-01-01T00:00:00.000Z",
  readAt: null,
  ...over,
});
const zh = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate("zh-CN", key, vars);
const en = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate("en-US", key, vars);

describe("notificationText", () => {
  it("names how many instances stopped at zero, and the first few", () => {
    const many = n({ kind: "balance_stopped", params: { count: 5, names: ["a", "b", "c"], reason: "balance" } });
    expect(notificationText(en, "en-US", many)).toEqual({
      title: "5 instances were stopped: the balance ran out",
      detail: "a, b, c and 2 more · Top up, then start them again; their data is kept.",
    });
    expect(notificationText(zh, "zh-CN", { ...many, params: { count: 1, names: ["gpu-0"] } }).title).toBe("余额已用完，“gpu-0”已停止");
  });

  it("says a low balance with its runway in the reader's money format", () => {
    const low = n({ params: { balanceCents: 5_950, burnCentsPerHour: 6_000, secondsLeft: 3_570 } });
    // (The duration's own format is lib/format's.)
    expect(notificationText(zh, "zh-CN", low)).toEqual({ title: "余额即将用完", detail: expect.stringMatching(/^剩余 ¥59\.50：按每小时 ¥60\.00 约可使用 \S/) });
  });

  it("gives a failed instance's reason, translated where known", () => {
    expect(notificationText(zh, "zh-CN", n({ kind: "instance_failed", params: { count: 1, names: ["x"], reason: "container_removed" } })).detail).toBe(
      "容器在控制台之外被删除。启动实例即可在原有数据上创建新容器。",
    );
    expect(
      notificationText(en, "en-US", n({ kind: "instance_failed", params: { count: 1, names: ["x"], reason: "creation_failed", message: "socket hang up" } })),
    ).toEqual({
      title: "“x” failed",
      detail: "Creating the container failed: socket hang up",
    });
    expect(
      notificationText(en, "en-US", n({ kind: "instance_exited", params: { count: 1, names: ["x"], message: "The container exited with code 137 (killed)" } }))
        .detail,
    ).toBe("The container was killed (code 137: SIGKILL or out of memory)");
  });

  it("names the node for administrators", () => {
    expect(notificationText(zh, "zh-CN", n({ kind: "node_offline", params: { nodeName: "gpu-a", message: "connect ECONNREFUSED" } }))).toEqual({
      title: "节点 gpu-a 已离线",
      detail: "connect ECONNREFUSED",
    });
  });
});
