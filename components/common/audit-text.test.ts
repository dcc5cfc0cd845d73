// Every action and target type the console writes has words in both languages; unknown codes stay as they are.
import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS, AUDIT_KINDS, AUDIT_TARGET_TYPES } from "@/lib/audit-actions";
import { LOCALES, translate } from "@/lib/i18n";
import type { T } from "../providers/i18n";
import { actionLabel, kindLabel, targetTypeLabel } from "./audit-text";

const tOf = (locale: (typeof LOCALES)[number]): T =>
  Object.assign((key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate(locale, key, vars), { locale });

describe("audit words", () => {
  it("names every action, kind and target type in both languages", () => {
    for (const locale of LOCALES) {
      const t = tOf(locale);
      for (const a of AUDIT_ACTIONS) expect(actionLabel(t, a), `${locale} ${a}`).not.toBe(a);
      for (const k of AUDIT_KINDS) expect(kindLabel(t, k), `${locale} ${k}`).not.toBe(k);
      for (const ty of AUDIT_TARGET_TYPES) expect(targetTypeLabel(t, ty), `${locale} ${ty}`).not.toBe(ty);
    }
  });

  it("says a kind's wildcard, and shows unknown codes as they are", () => {
    const zh = tOf("zh-CN");
    expect(actionLabel(zh, "instance.create")).toBe("创建实例");
    expect(actionLabel(zh, "ssh.session.open")).toBe("打开 SSH 会话");
    expect(actionLabel(zh, "instance.*")).toBe("实例：全部操作");
    expect(actionLabel(tOf("en-US"), "instance.")).toBe("Instances: all actions");
    expect(actionLabel(zh, "widget.frob")).toBe("widget.frob");
    // A kind is not an action.
    expect(actionLabel(zh, "ssh.session")).toBe("ssh.session");
    expect(targetTypeLabel(zh, "gizmo")).toBe("gizmo");
  });
});
