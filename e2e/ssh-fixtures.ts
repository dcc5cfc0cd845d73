import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// SSH keys made by the real ssh-keygen, with its own description of them (`ssh-keygen -l`).

export type GeneratedKey = { pub: string; priv: string; bits: number; fingerprint: string; type: string };

export function keygen(type: "ed25519" | "ecdsa" | "rsa", opts: { bits?: number; comment?: string } = {}): GeneratedKey {
  const dir = mkdtempSync(path.join(os.tmpdir(), "aic-e2e-key-"));
  try {
    const file = path.join(dir, "id");
    const bits = opts.bits ? ["-b", String(opts.bits)] : [];
    execFileSync("ssh-keygen", ["-q", "-t", type, ...bits, "-N", "", "-C", opts.comment ?? "e2e@laptop", "-f", file], { stdio: "ignore" });
    // "256 SHA256:... e2e@laptop (ED25519)"
    const described = execFileSync("ssh-keygen", ["-l", "-f", `${file}.pub`], { encoding: "utf8" }).trim();
    const [len, fingerprint] = described.split(" ");
    const kind = /\(([^)]+)\)$/.exec(described)?.[1] ?? "";
    return { pub: readFileSync(`${file}.pub`, "utf8").trim(), priv: readFileSync(file, "utf8"), bits: Number(len), fingerprint: fingerprint!, type: kind };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A new ed25519 key as files for the ssh client: answers the private key's path (its `.pub` beside it). */
export function keyFiles(dir: string, name: string): string {
  const key = keygen("ed25519", { comment: `${name}@e2e` });
  const file = path.join(dir, name);
  writeFileSync(file, key.priv, { mode: 0o600 });
  writeFileSync(`${file}.pub`, `${key.pub}\n`);
  return file;
}
