import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

beforeAll(() => {
  process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "aic-box-"));
});

describe("secret box", () => {
  it("round-trips, and each seal differs", async () => {
    const { seal, unseal } = await import("./secret-box");
    const a = seal("hunter2", "node.sshPassword");
    const b = seal("hunter2", "node.sshPassword");
    expect(a).not.toBe(b);
    expect(a).not.toContain("hunter2");
    expect(unseal(a, "node.sshPassword")).toBe("hunter2");
  });
  it("refuses another context and tampered data", async () => {
    const { seal, unseal } = await import("./secret-box");
    const sealed = seal("key material", "node.clientKey");
    expect(() => unseal(sealed, "node.sshPassword")).toThrow();
    const parts = sealed.split(".");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => unseal(parts.join("."), "node.clientKey")).toThrow();
  });
});
