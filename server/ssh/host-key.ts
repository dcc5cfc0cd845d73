import "server-only";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import ssh2 from "ssh2";
import { seal, unseal } from "../crypto/secret-box";
import { env } from "../env";
import { fingerprintOf } from "./public-key";

// The jump host's own ed25519 key: made once, kept in DATA_DIR sealed under the console's
// secret (mode 0600), the same for every start so clients' known_hosts stay valid.

export type HostKey = { privateKey: string; publicKey: string; fingerprint: string };

const CONTEXT = "ssh-host-key";
let cached: HostKey | undefined;

export function hostKeyFile(): string {
  return path.join(env().dataDir, "ssh_host_ed25519_key.sealed");
}

function describe(privateKey: string): HostKey {
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error || Array.isArray(parsed)) throw new Error(`The SSH host key in ${hostKeyFile()} is unreadable`);
  const blob = parsed.getPublicSSH();
  return { privateKey, publicKey: `${parsed.type} ${blob.toString("base64")}`, fingerprint: fingerprintOf(blob) };
}

/**
 * A new ed25519 private key (OpenSSH format) that ssh2 itself can read back: about one key in
 * 250 that ssh2 1.17's generateKeyPairSync writes, its parseKey calls malformed (measured:
 * 12 of 3,000), and a console holding one would never start again.
 */
export function generateParseable(): string {
  for (let attempt = 0; ; attempt++) {
    const made = ssh2.utils.generateKeyPairSync("ed25519", { comment: "aiinfra-console" });
    const parsed = ssh2.utils.parseKey(made.private);
    if (!(parsed instanceof Error) && !Array.isArray(parsed)) return made.private;
    if (attempt >= 20) throw new Error(`Could not make an SSH host key: ${parsed instanceof Error ? parsed.message : "several keys"}`);
  }
}

export function hostKey(): HostKey {
  if (cached) return cached;
  const file = hostKeyFile();
  let sealed: string | null = null;
  try {
    sealed = readFileSync(file, "utf8").trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  if (sealed === null) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const made = generateParseable();
    try {
      // "wx": of two processes starting at once, one writes and both read the same key.
      writeFileSync(file, `${seal(made, CONTEXT)}\n`, { flag: "wx", mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    sealed = readFileSync(file, "utf8").trim();
  }
  cached = describe(unseal(sealed, CONTEXT));
  return cached;
}
