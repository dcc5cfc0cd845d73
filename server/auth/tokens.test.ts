// Login tokens: a verified token is remembered only until it expires, and a token that was
// altered or signed with another key is refused whatever was verified before.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SignJWT } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "aic-tokens-"));
process.env.APP_SECRET = "unit-test-secret-unit-test-secret-0123";
const { signLoginToken, verifyLoginToken } = await import("./tokens");
const { deriveKey } = await import("../crypto/keys");

const sign = (claims: Record<string, unknown>, expSeconds: number, key: Uint8Array = deriveKey("login-jwt")) =>
  new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setSubject("u1").setIssuer("ai-infra-console").setIssuedAt().setExpirationTime(expSeconds).sign(key);

describe("verifyLoginToken", () => {
  beforeAll(() => vi.useFakeTimers({ toFake: ["Date"] }));
  afterEach(() => vi.setSystemTime(new Date()));

  it("accepts a valid token, again and again", async () => {
    const { token, expiresAt } = await signLoginToken({ userId: "u1", sessionVersion: 3 });
    const claims = {
      userId: "u1",
      sessionVersion: 3,
      credentialId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      expiresAt: new Date(Math.floor(expiresAt.getTime() / 1000) * 1000),
    };
    expect(await verifyLoginToken(token)).toEqual(claims);
    expect(await verifyLoginToken(token)).toEqual(claims);
    // Each sign-in is its own credential (signing one out leaves the others).
    const other = await verifyLoginToken((await signLoginToken({ userId: "u1", sessionVersion: 3 })).token);
    expect(other?.credentialId).not.toBe((await verifyLoginToken(token))?.credentialId);
  });

  it("refuses a remembered token once it has expired", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await sign({ typ: "login", sv: 0 }, now + 60);
    expect(await verifyLoginToken(token)).toEqual({ userId: "u1", sessionVersion: 0, expiresAt: new Date((now + 60) * 1000) });
    vi.setSystemTime(Date.now() + 61_000);
    expect(await verifyLoginToken(token)).toBeNull();
  });

  it("refuses altered tokens, other keys and other token types", async () => {
    const { token } = await signLoginToken({ userId: "u1", sessionVersion: 1 });
    expect(await verifyLoginToken(token)).not.toBeNull();
    const [h, p, s] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, "base64url").toString()), sub: "admin" })).toString("base64url");
    expect(await verifyLoginToken(`${h}.${forged}.${s}`)).toBeNull();
    const later = Math.floor(Date.now() / 1000) + 3600;
    expect(await verifyLoginToken(await sign({ typ: "login", sv: 1 }, later, new Uint8Array(32).fill(7)))).toBeNull();
    expect(await verifyLoginToken(await sign({ typ: "session", sv: 1 }, later))).toBeNull();
  });
});
