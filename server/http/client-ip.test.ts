import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { resolveClientIp } from "./client-ip";

const req = (remote: string, xff?: string) =>
  ({ socket: { remoteAddress: remote }, headers: xff ? { "x-forwarded-for": xff } : {} }) as unknown as IncomingMessage;

describe("resolveClientIp", () => {
  it("ignores X-Forwarded-For unless proxies are trusted", () => {
    expect(resolveClientIp(req("1.2.3.4", "9.9.9.9"), 0)).toBe("1.2.3.4");
  });
  it("takes the address our trusted proxies saw, not what the client claims", () => {
    expect(resolveClientIp(req("10.0.0.1", "6.6.6.6, 5.5.5.5"), 1)).toBe("5.5.5.5");
    expect(resolveClientIp(req("10.0.0.1", "6.6.6.6, 5.5.5.5, 10.0.0.2"), 2)).toBe("5.5.5.5");
    expect(resolveClientIp(req("10.0.0.1"), 1)).toBe("10.0.0.1");
  });
});
