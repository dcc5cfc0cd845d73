// Next.js configuration. Native and Node-only packages stay out of the bundles.
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
    ];
  },
};

export default nextConfig;
