// The SDK's own layer with a fake fetch (the calls themselves are tested against a real
// console in e2e/api/sdk.spec.ts): 429 retried after Retry-After with the same request,
// bounded; errors thrown with the API's code and request id; paging; waiting.
import { describe, expect, it } from "vitest";
import { AiInfraError, createAiInfraClient, paginate, retryAfterSeconds, unwrap, WaitTimeout, waitFor } from "./index";

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

describe("429 retries", () => {
  it("waits the Retry-After and sends the same request again, then gives up after maxRetries", async () => {
    const seen: { method: string; body: string; auth: string | null }[] = [];
    const waits: number[] = [];
    let answers = [json(429, { error: { code: "RATE_LIMITED" } }, { "retry-after": "7" }), json(201, { id: "x" })];
    const client = createAiInfraClient({
      baseUrl: "http://console.test/",
      token: "tok",
      sleep: async (ms) => void waits.push(ms),
      fetch: async (r) => {
        seen.push({ method: r.method, body: await r.text(), auth: r.headers.get("authorization") });
        return answers.shift()!;
      },
    });
    const made = await unwrap(client.POST("/api/v1/users/me/tokens", { body: { name: "ci" } }));
    expect(made).toEqual({ id: "x" });
    expect(waits).toEqual([7000]);
    expect(seen).toEqual([
      { method: "POST", body: '{"name":"ci"}', auth: "Bearer tok" },
      { method: "POST", body: '{"name":"ci"}', auth: "Bearer tok" },
    ]);

    answers = Array.from({ length: 5 }, () => json(429, { error: { code: "RATE_LIMITED", message: "slow down", requestId: "r1" } }, { "retry-after": "999" }));
    waits.length = 0;
    const err = await unwrap(client.GET("/api/v1/users/me")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AiInfraError);
    expect(err).toMatchObject({ status: 429, code: "RATE_LIMITED", message: "slow down", requestId: "r1" });
    expect(waits).toEqual([60_000, 60_000, 60_000]);
  });

  it("reads Retry-After as seconds or a date", () => {
    expect(retryAfterSeconds("3")).toBe(3);
    expect(retryAfterSeconds(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThanOrEqual(9);
    expect(retryAfterSeconds(null)).toBeNull();
  });
});

describe("errors", () => {
  it("carry the code, field issues and request id (from the header when the body has none)", async () => {
    const client = createAiInfraClient({
      baseUrl: "http://console.test",
      fetch: async () =>
        json(400, {
          error: {
            code: "VALIDATION_FAILED",
            message: "Invalid body: name: is required",
            requestId: "abc",
            issues: [{ path: "name", message: "is required" }],
          },
        }),
    });
    await expect(unwrap(client.POST("/api/v1/users/me/tokens", { body: { name: "" } }))).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      requestId: "abc",
      issues: [{ path: "name", message: "is required" }],
    });
    const bare = createAiInfraClient({
      baseUrl: "http://console.test",
      fetch: async () => new Response("bad gateway", { status: 502, headers: { "x-request-id": "h1" } }),
    });
    await expect(unwrap(bare.GET("/api/v1/users/me"))).rejects.toMatchObject({ status: 502, code: "HTTP_502", requestId: "h1" });
  });
});

describe("paginate and waitFor", () => {
  it("walks every page once, and stops at a limit", async () => {
    const all = Array.from({ length: 7 }, (_, i) => i);
    const asked: number[] = [];
    const pageOf = async (page: number) => {
      asked.push(page);
      return { items: all.slice((page - 1) * 3, page * 3), total: all.length, page, pageSize: 3 };
    };
    const got: number[] = [];
    for await (const i of paginate(pageOf)) got.push(i);
    expect(got).toEqual(all);
    expect(asked).toEqual([1, 2, 3]);
    const some: number[] = [];
    for await (const i of paginate(pageOf, { limit: 4 })) some.push(i);
    expect(some).toEqual([0, 1, 2, 3]);
  });

  it("polls until done, stops on a failure reason, times out with the last value", async () => {
    let n = 0;
    const sleep = async () => undefined;
    expect(
      await waitFor(
        async () => ++n,
        (v) => v === 3,
        { sleep },
      ),
    ).toBe(3);
    await expect(
      waitFor(
        async () => "failed",
        () => false,
        { sleep, failed: (v) => (v === "failed" ? "it failed" : null) },
      ),
    ).rejects.toThrow("it failed");
    const late = await waitFor(
      async () => "creating",
      () => false,
      { sleep, timeoutMs: 0, what: "running" },
    ).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(WaitTimeout);
    expect(late).toMatchObject({ message: "timed out waiting for running", last: "creating" });
  });
});
