// Ledger entries are said in the reader's language from their fields, not the server's note.
import { describe, expect, it } from "vitest";
import type { TLedgerEntry } from "@/lib/contracts/billing";
import { translate } from "@/lib/i18n";
import { entryText, runningTime } from "./ledger-text";

const zh = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate("zh-CN", key, vars);
const e = (over: Partial<TLedgerEntry>): TLedgerEntry => ({
  id: "e",
  userId: "u",
  kind: "usage",
  amountCents: -5,
  balanceAfterCents: 100,
  instanceId: "i",
  instanceName: "trainer",
  recharge: null,
  note: "trainer: 0.0167 h at 300 cents/h",
  periodStart: "2026-01-01T00:00:00.000Z",
  periodEnd: "2026-01-01T00:01:00.000Z",
  createdAt: "2026-01-01T00:01:00.000Z",
  ...over,
});

describe("entryText", () => {
  it("says usage, refunds, stops and recharges in Chinese, without the English note", () => {
    expect(entryText(zh, e({ periodEnd: "2026-01-01T00:00:30.000Z" }), "zh-CN")).toBe("运行 30 秒");
    expect(entryText(zh, e({ kind: "refund", amountCents: 2, periodEnd: "2026-01-01T00:00:20.000Z" }), "zh-CN")).toBe("停止后多扣的 20 秒，已退还");
    expect(entryText(zh, e({ amountCents: 0, periodStart: null, periodEnd: null, note: "trainer stopped: the balance ran out" }), "zh-CN")).toBe(
      "余额用完，实例已停止（数据已保留）",
    );
    expect(
      entryText(
        zh,
        e({ kind: "recharge", instanceId: null, recharge: { codeHint: "X7Q", description: "welcome" }, note: "Recharge code …X7Q (welcome)" }),
        "zh-CN",
      ),
    ).toBe("充值码 …X7Q（welcome）");
    for (const kind of ["usage", "refund", "recharge"] as const) expect(entryText(zh, e({ kind }), "zh-CN")).not.toMatch(/cents|charged|Recharge code/);
  });

  it("keeps an administrator's reason as written", () => {
    expect(entryText(zh, e({ kind: "adjustment", instanceId: null, note: "compensation for downtime" }), "zh-CN")).toBe("compensation for downtime");
  });
});

describe("runningTime", () => {
  it("keeps tenths of a partial interval, whole seconds under a minute", () => {
    expect(runningTime(zh, 0.46, "zh-CN")).toBe("0.5 秒");
    expect(runningTime(zh, 30.4, "zh-CN")).toBe("30 秒");
    // Longer times in the reader's language too (no "h", "min" or "d" under zh-CN).
    expect(runningTime(zh, 26 * 3600 + 120, "zh-CN")).not.toMatch(/[a-z]/i);
  });
});
