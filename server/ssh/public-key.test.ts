import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePublicKey } from "./public-key";

// Keys made by the real ssh-keygen, and its own description of them.
function keygen(type: string, bits?: number) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "aic-key-"));
  const file = path.join(dir, "k");
  execFileSync("ssh-keygen", ["-q", "-t", type, ...(bits ? ["-b", String(bits)] : []), "-N", "", "-C", "me@laptop", "-f", file]);
  const [len, fp] = execFileSync("ssh-keygen", ["-l", "-f", `${file}.pub`], { encoding: "utf8" }).split(" ");
  return { pub: readFileSync(`${file}.pub`, "utf8"), priv: readFileSync(file, "utf8"), bits: Number(len), fingerprint: fp };
}

describe("parsePublicKey", () => {
  for (const [type, bits, algo] of [
    ["ed25519", undefined, "ssh-ed25519"],
    ["ecdsa", 256, "ecdsa-sha2-nistp256"],
    ["ecdsa", 521, "ecdsa-sha2-nistp521"],
    ["rsa", 3072, "ssh-rsa"],
  ] as const) {
    it(`reads ${algo} as ssh-keygen -l describes it`, () => {
      const k = keygen(type, bits);
      const parsed = parsePublicKey(k.pub);
      expect(parsed).toMatchObject({ algorithm: algo, bits: k.bits, fingerprint: k.fingerprint, comment: "me@laptop" });
      expect((parsed as { publicKey: string }).publicKey).toBe(k.pub.split(" ").slice(0, 2).join(" "));
    });
  }

  it("refuses RSA under 2048 bits, private keys, other types and damaged text, saying why", () => {
    expect(parsePublicKey(keygen("rsa", 1024).pub)).toEqual({ error: "RSA keys need at least 2048 bits; this one has 1024" });
    expect(parsePublicKey(keygen("ed25519").priv)).toMatchObject({ error: expect.stringMatching(/private key/) });
    expect(parsePublicKey("ssh-dss AAAAB3NzaC1kc3MAAACBAP")).toMatchObject({ error: expect.stringMatching(/ssh-dss is not supported/) });
    expect(parsePublicKey("sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t")).toMatchObject({
      error: expect.stringMatching(/security-key/),
    });
    expect(parsePublicKey("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB2mI9bH0fyHG")).toMatchObject({ error: expect.stringMatching(/damaged|incomplete/) });
    expect(parsePublicKey("hello")).toMatchObject({ error: expect.stringMatching(/not an OpenSSH public key/) });
    expect(parsePublicKey("hello world")).toMatchObject({ error: expect.stringMatching(/not an OpenSSH public key/) });
    const ed = keygen("ed25519").pub.split(" ");
    // The comment is shown to admins: control and direction characters are dropped.
    expect(parsePublicKey(`${ed[0]} ${ed[1]} evil\u202Ename\u0007`)).toMatchObject({ comment: "evilname" });
    expect(parsePublicKey(`ssh-rsa ${ed[1]}`)).toMatchObject({ error: expect.any(String) });
  });
});
