// SSH keys as people read them: the comment of a pasted public key (to name it by) and the
// short type names ssh-keygen prints. Browser-safe; the server parses keys for real.

const KEY_TYPE = /^(ssh-|ecdsa-|sk-)/;

/** The comment at the end of an OpenSSH public key line (`ssh-ed25519 AAAA... you@laptop` → `you@laptop`), or "". */
export function keyComment(text: string): string {
  const [type, data, ...rest] = text.trim().split(/\s+/);
  if (!type || !data || !KEY_TYPE.test(type)) return "";
  return rest.join(" ");
}

/** Text holding a private key (PEM or OpenSSH format): pasted by mistake for the public one. */
export function isPrivateKey(text: string): boolean {
  return /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text);
}

/** ssh-keygen's name for a key type: ED25519, ECDSA, RSA (anything else as it is). */
export function keyTypeLabel(algorithm: string): string {
  if (algorithm === "ssh-ed25519") return "ED25519";
  if (algorithm.startsWith("ecdsa-sha2-")) return "ECDSA";
  if (algorithm === "ssh-rsa") return "RSA";
  return algorithm;
}

/** The Host alias of an ~/.ssh/config stanza (its first `Host` line). */
export function configHostAlias(config: string): string | null {
  return /^Host\s+(\S+)/m.exec(config)?.[1] ?? null;
}
