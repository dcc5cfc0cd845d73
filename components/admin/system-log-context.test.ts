// A system log line's context in short: only the telling keys with plain values, in order, cut when long.
import { describe, expect, it } from "vitest";
import { contextSummary, requestIdOf } from "./system-log-context";

describe("contextSummary", () => {
  it("picks the telling keys in their order, at most three", () => {
    const context = { err: { message: "boom" }, requestId: "req-1", node: "gpu-01", module: "scheduler", instanceId: "inst-9" };
    expect(contextSummary(context)).toEqual([
      { key: "module", value: "scheduler" },
      { key: "node", value: "gpu-01" },
      { key: "instanceId", value: "inst-9" },
    ]);
    expect(contextSummary(context, 5).map((p) => p.key)).toEqual(["module", "node", "instanceId", "requestId"]);
  });
  it("leaves out objects, empty text and keys it does not know", () => {
    expect(contextSummary({ node: { name: "x" }, run: "  ", err: "boom", job: 42 })).toEqual([{ key: "job", value: "42" }]);
    expect(contextSummary({})).toEqual([]);
  });
  it("cuts long values", () => {
    const [only] = contextSummary({ node: "n".repeat(200) });
    expect(only!.value).toHaveLength(60);
    expect(only!.value.endsWith("…")).toBe(true);
  });
});

describe("requestIdOf", () => {
  it("names the request only when it is text", () => {
    expect(requestIdOf({ requestId: "abc" })).toBe("abc");
    expect(requestIdOf({ requestId: 3 })).toBeNull();
    expect(requestIdOf({})).toBeNull();
  });
});
