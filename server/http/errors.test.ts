// The error body: the English message for scripts, and the same message as a dictionary key
// with parameters (issues too) for clients that translate.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { renderMessage } from "@/lib/i18n/message-ref";
import { AppError, errorBody, notFound, ref, validationError, zodIssues } from "./errors";

describe("errorBody", () => {
  it("renders a reference in English and sends the key and parameters beside it", () => {
    const err = new AppError("LIMIT_REACHED", ref("serverMessages.limits.instances", { count: 5, max: 5 }));
    expect(errorBody(err, "r1")).toEqual({
      error: {
        code: "LIMIT_REACHED",
        message: "You have 5 instances (at most 5); delete one first",
        messageKey: "serverMessages.limits.instances",
        params: { count: 5, max: 5 },
        requestId: "r1",
      },
    });
  });
  it("gives a plain-string error the code's own sentence as its key", () => {
    const err = new AppError("RATE_LIMITED", "Too many requests; try again in 7 s", { retryAfterSeconds: 7 });
    expect(errorBody(err, "r2").error).toMatchObject({
      message: "Too many requests; try again in 7 s",
      messageKey: "errors.RATE_LIMITED",
      params: { seconds: 7 },
    });
    expect(err.reason).toBe("Too many requests; try again in 7 s");
  });
  it("names the thing not found in each language", () => {
    const body = errorBody(notFound("SSH key"), "r3").error;
    expect(body.message).toBe("SSH key not found");
    expect(renderMessage("zh-CN", { key: body.messageKey, params: body.params })).toBe("未找到SSH 密钥");
    expect(notFound("Widget").message).toBe("Widget not found");
  });
  it("gives each issue its key and parameters", () => {
    const err = validationError([
      { path: "name", message: "must be at most 64 characters" },
      { path: "x", message: "is odd" },
    ]);
    expect(err.message).toBe("Invalid body: name: must be at most 64 characters; x: is odd");
    expect(errorBody(err, "r4").error.issues).toEqual([
      { path: "name", message: "must be at most 64 characters", key: "serverMessages.issues.maxChars", params: { max: 64 } },
      { path: "x", message: "is odd", key: "serverMessages.issues.other", params: { text: "is odd" } },
    ]);
  });
});

describe("zodIssues", () => {
  const schema = z.object({
    name: z.string().max(8),
    count: z.number().int().optional(),
    action: z
      .string()
      .regex(/^[a-z]+$/, "must be an action such as instance.create")
      .optional(),
    code: z
      .string()
      .regex(/^[A-Z]+$/)
      .optional(),
  });
  const issues = (v: unknown) => {
    const r = schema.safeParse(v);
    if (r.success) throw new Error("expected a failure");
    return Object.fromEntries(zodIssues(r.error, "body").map((i) => [i.path, { key: i.key, params: i.params }]));
  };

  it("keeps a contract's own phrasing as its text, and maps zod's own by its code", () => {
    const got = issues({ name: "much-too-long", action: "DROP TABLE", code: "abc" });
    expect(got.name).toEqual({ key: "serverMessages.issues.maxChars", params: { max: 8 } });
    expect(got.action).toEqual({ key: "serverMessages.issues.other", params: { text: "must be an action such as instance.create" } });
    expect(got.code).toEqual({ key: "serverMessages.issues.invalid", params: undefined });
  });
  it("tells a missing field from one of the wrong type", () => {
    expect(issues({}).name?.key).toBe("serverMessages.issues.required");
    expect(issues({ name: 5 }).name?.key).toBe("serverMessages.issues.invalid");
    expect(issues({ name: "a", count: "7" }).count?.key).toBe("serverMessages.issues.number");
  });
  it("says lists and exclusive bounds as they are", () => {
    const r = z.object({ tags: z.array(z.string()).min(2), ratio: z.number().gt(0) }).safeParse({ tags: [], ratio: 0 });
    const got = Object.fromEntries(zodIssues(r.error!, "body").map((i) => [i.path, { key: i.key, params: i.params }]));
    expect(got.tags).toEqual({ key: "serverMessages.issues.minEntries", params: { min: 2 } });
    expect(got.ratio).toEqual({ key: "serverMessages.issues.moreThan", params: { min: 0 } });
  });
});
