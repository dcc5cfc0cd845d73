// The Content-Security-Policy of the console's pages (set per request by proxy.ts). Scripts
// run only with the request's nonce (Next.js puts it on its own scripts) or when loaded by
// such a script ('strict-dynamic'); styles may be inline because antd's CSS-in-JS and
// React's style attributes are; everything else comes from the console itself (socket.io
// included: 'self' covers ws: and wss: on the same host).

export function pageCsp(nonce: string, opts: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    // React rebuilds server error stacks with eval in development only.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** A fresh nonce: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
