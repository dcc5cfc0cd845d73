// The pure parts of webhook delivery: the retry schedule (and a receiver's Retry-After),
// and the signature header (checked with the reference verifier, rotation's two secrets).
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { afterFailure, retryAfterSeconds, signatureHeader } from "./delivery";

const SCHEDULE = [0, 5, 300, 1800];
const now = new Date("2026-12-01T00:00:00Z");

describe("afterFailure", () => {
  it("waits the schedule's next step, then gives up", () => {
    expect(afterFailure(1, SCHEDULE, now, null)).toEqual({ status: "pending", nextAttemptAt: new Date(now.getTime() + 5_000) });
    expect(afterFailure(3, SCHEDULE, now, null)).toEqual({ status: "pending", nextAttemptAt: new Date(now.getTime() + 1_800_000) });
    expect(afterFailure(4, SCHEDULE, now, null)).toEqual({ status: "failed", nextAttemptAt: null });
  });
  it("a longer Retry-After wins, capped at a day; a shorter one does not hurry it", () => {
    expect(afterFailure(1, SCHEDULE, now, 60).nextAttemptAt).toEqual(new Date(now.getTime() + 60_000));
    expect(afterFailure(2, SCHEDULE, now, 1).nextAttemptAt).toEqual(new Date(now.getTime() + 300_000));
    expect(afterFailure(1, SCHEDULE, now, 10 ** 9).nextAttemptAt).toEqual(new Date(now.getTime() + 86_400_000));
  });
});

describe("retryAfterSeconds", () => {
  it("reads seconds and HTTP dates", () => {
    expect(retryAfterSeconds("120")).toBe(120);
    expect(retryAfterSeconds(new Date(now.getTime() + 30_000).toUTCString(), now.getTime())).toBe(30);
    expect(retryAfterSeconds(undefined)).toBeNull();
    expect(retryAfterSeconds("soon")).toBeNull();
  });
});

describe("signatureHeader", () => {
  const a = `whsec_${Buffer.from("a".repeat(32)).toString("base64")}`;
  const b = `whsec_${Buffer.from("b".repeat(32)).toString("base64")}`;
  const body = JSON.stringify({ type: "webhook.test", timestamp: now.toISOString(), data: {} });
  const at = new Date();
  const headers = (sig: string) => ({ "webhook-id": "msg_1", "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": sig });

  it("signs so the reference verifier accepts, one v1 signature per secret", () => {
    const one = signatureHeader([a], "msg_1", at, body);
    expect(one).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(a).verify(body, headers(one))).toMatchObject({ type: "webhook.test" });
    const two = signatureHeader([b, a], "msg_1", at, body);
    expect(two.split(" ")).toHaveLength(2);
    for (const s of [a, b]) expect(new Webhook(s).verify(body, headers(two))).toBeTruthy();
    expect(() => new Webhook(b).verify(body, headers(one))).toThrow();
    expect(() => new Webhook(a).verify(`${body} `, headers(one))).toThrow();
  });
});
