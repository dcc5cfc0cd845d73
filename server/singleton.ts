import "server-only";

// Process-wide singletons. The Next.js bundle and the server bundle (server/main.ts) each
// carry their own copy of our modules; state that must be one per process (rate-limit
// counters, realtime hubs, the database client) lives on globalThis under a shared key.

export function processSingleton<T>(name: string, create: () => T): T {
  const key = Symbol.for(`ai-infra-console.${name}`);
  const g = globalThis as unknown as Record<symbol, T | undefined>;
  let value = g[key];
  if (value === undefined) {
    value = create();
    g[key] = value;
  }
  return value;
}
