// Browser-safe helpers: locale negotiation and messages, API paths, redirect safety.
import { describe, expect, it } from "vitest";
import { buildPath } from "./api/client";
import { MESSAGES, negotiateLocale, translate } from "./i18n";
import { safeCallback } from "./navigation";

function keys(o: object, prefix = ""): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === "object" ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe("i18n", () => {
  it("zh-CN and en-US have the same keys and no empty strings", () => {
    expect(keys(MESSAGES["zh-CN"]).sort()).toEqual(keys(MESSAGES["en-US"]).sort());
    for (const m of Object.values(MESSAGES)) for (const k of keys(m)) expect(translate(m === MESSAGES["zh-CN"] ? "zh-CN" : "en-US", k as never)).not.toBe("");
  });
  it("negotiates from Accept-Language with q-values", () => {
    expect(negotiateLocale("zh-TW,zh;q=0.9")).toBe("zh-CN");
    expect(negotiateLocale("fr-FR,en;q=0.5,zh;q=0.8")).toBe("zh-CN");
    expect(negotiateLocale("de-DE")).toBe("en-US");
    expect(negotiateLocale(null)).toBe("en-US");
  });
  it("fills variables", () => {
    expect(translate("en-US", "errors.RATE_LIMITED", { seconds: 42 })).toBe("Too many attempts. Try again in 42 s.");
  });
});

describe("buildPath", () => {
  it("fills and escapes path params and drops empty query values", () => {
    expect(buildPath("/api/v1/admin/users/{id}", { id: "a/b" }, { page: 2, search: "", role: undefined })).toBe("/api/v1/admin/users/a%2Fb?page=2");
  });
});

describe("safeCallback", () => {
  it("keeps same-site paths and refuses others", () => {
    expect(safeCallback("/admin/users?x=1")).toBe("/admin/users?x=1");
    for (const bad of ["https://evil.example", "//evil.example", "/\\evil.example", null, ""]) expect(safeCallback(bad)).toBe("/dashboard");
  });
});
