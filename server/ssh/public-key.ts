import "server-only";
import { createHash } from "node:crypto";
import ssh2 from "ssh2";

// A public key as users paste it (one authorized_keys line), checked and described the way
// `ssh-keygen -l` describes it. Pure: no database.

export type ParsedPublicKey = {
  algorithm: string;
  bits: number;
  /** SHA256:<base64, no padding> of the key blob. */
  fingerprint: string;
  /** `<type> <base64>`, without the comment. */
  publicKey: string;
  comment: string | null;
  /** The key blob (wire form). */
  blob: Buffer;
};

const ACCEPTED = new Set(["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"]);
const MIN_RSA_BITS = 2048;
/** OpenSSL verifies RSA signatures of keys up to this size. */
const MAX_RSA_BITS = 16_384;

export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** The wire form's strings: type, then the key's own fields (RSA: e, n; ECDSA: curve, point; ed25519: point). */
function wireStrings(blob: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at + 4 <= blob.length) {
    const len = blob.readUInt32BE(at);
    if (at + 4 + len > blob.length) throw new Error("truncated key");
    out.push(blob.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  if (at !== blob.length) throw new Error("trailing bytes");
  return out;
}

function bitsOf(algorithm: string, blob: Buffer): number {
  if (algorithm === "ssh-ed25519") return 256;
  if (algorithm.startsWith("ecdsa-sha2-nistp")) return Number(algorithm.slice("ecdsa-sha2-nistp".length));
  // RSA: the modulus n, an mpint (a leading zero byte keeps it positive).
  const n = wireStrings(blob)[2];
  if (!n) throw new Error("no modulus");
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}

/** The key, or a sentence saying what is wrong with the text (for the `publicKey` field). */
export function parsePublicKey(text: string): ParsedPublicKey | { error: string } {
  const line = text.trim();
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(line))
    return { error: "is a private key: paste the public key (the .pub file) and keep the private key to yourself" };
  if (/[\r\n]/.test(line)) return { error: "must be one line (the contents of the .pub file)" };
  const [type, data, ...rest] = line.split(/\s+/);
  if (!type || !data) return { error: "is not an OpenSSH public key (expected e.g. 'ssh-ed25519 AAAA... user@host')" };
  if (!/^(ssh|ecdsa|sk)-[\w.@-]+$/.test(type)) return { error: "is not an OpenSSH public key (expected e.g. 'ssh-ed25519 AAAA... user@host')" };
  if (type.startsWith("sk-")) return { error: `${type} (security-key) keys are not supported: use ed25519, ECDSA or RSA` };
  if (!ACCEPTED.has(type)) return { error: `key type ${type} is not supported: use ed25519, ECDSA or RSA (at least ${MIN_RSA_BITS} bits)` };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return { error: "the key's base64 part is damaged" };
  const parsed = ssh2.utils.parseKey(`${type} ${data}`);
  if (parsed instanceof Error || Array.isArray(parsed)) return { error: "the key could not be read: it is damaged or incomplete" };
  if (parsed.isPrivateKey()) return { error: "is a private key: paste the public key" };
  const blob = parsed.getPublicSSH();
  if (parsed.type !== type) return { error: `says ${type} but holds a ${parsed.type} key` };
  let bits: number;
  try {
    bits = bitsOf(type, blob);
  } catch {
    return { error: "the key could not be read: it is damaged or incomplete" };
  }
  if (type === "ssh-rsa" && bits < MIN_RSA_BITS) return { error: `RSA keys need at least ${MIN_RSA_BITS} bits; this one has ${bits}` };
  if (type === "ssh-rsa" && bits > MAX_RSA_BITS) return { error: `RSA keys may have at most ${MAX_RSA_BITS} bits; this one has ${bits}` };
  // The comment is shown to the user and to administrators: no control or direction characters, and not too long.
  const comment = rest.join(" ").replace(/\p{C}/gu, "").trim().slice(0, 256);
  return { algorithm: type, bits, fingerprint: fingerprintOf(blob), publicKey: `${type} ${blob.toString("base64")}`, comment: comment || null, blob };
}
