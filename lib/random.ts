// Random ids in the browser. crypto.randomUUID exists only in secure contexts (HTTPS,
// localhost); a console opened over plain HTTP on a LAN address has getRandomValues only.

/** `bytes` random bytes as hex. */
export function randomHex(bytes = 16): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}
