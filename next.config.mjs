// Next.js configuration. Native and Node-only packages stay out of the bundles.
const API_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  devIndicators: false,
  experimental: {
    // A body sent to a page (the proxy runs there) is buffered for the proxy up to this
    // much; pages take no bodies, so keep it at the API's default limit, not Next's 10 MB.
    proxyClientMaxBodySize: "64kb",
  },
  serverExternalPackages: [
    "argon2",
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "@prisma/adapter-pg",
    "pg",
    "ssh2",
    "cpu-features",
    "dockerode",
    "pino",
    "ioredis",
  ],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
      // API answers are data: nothing in them may run. (Pages get theirs, with a nonce, from proxy.ts.)
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CSP }] },
      // Swagger UI: its scripts are files of our own (public/vendor, public/swagger-init.js).
      { source: "/api/docs", headers: [{ key: "Content-Security-Policy", value: DOCS_CSP }] },
    ];
  },
};

export default nextConfig;
