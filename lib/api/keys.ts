// react-query keys, one factory per domain.

export const authKeys = {
  config: ["auth", "config"] as const,
};

export const userKeys = {
  all: ["users"] as const,
  me: ["users", "me"] as const,
  tokens: ["users", "me", "tokens"] as const,
  adminList: (q: Record<string, unknown>) => ["users", "admin", "list", q] as const,
};

export const settingsKeys = {
  all: ["settings"] as const,
};
