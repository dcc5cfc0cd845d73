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

/** SSH keys and instances' SSH access: adding or deleting a key changes both (needsKey). */
export const sshKeys = {
  all: ["ssh"] as const,
  mine: ["ssh", "keys", "me"] as const,
  ofUser: (userId: string) => ["ssh", "keys", "user", userId] as const,
  access: (instanceId: string) => ["ssh", "access", instanceId] as const,
};

export const settingsKeys = {
  all: ["settings"] as const,
};

export const imageKeys = {
  all: ["images"] as const,
  list: (q: Record<string, unknown>) => ["images", "list", q] as const,
  presence: (id: string) => ["images", id, "nodes"] as const,
};

export const specKeys = {
  all: ["specs"] as const,
  list: (q: Record<string, unknown>) => ["specs", "list", q] as const,
  nodes: (id: string, imageId?: string) => ["specs", id, "nodes", imageId ?? null] as const,
};

export const nodeKeys = {
  all: ["nodes"] as const,
  list: (q: Record<string, unknown>) => ["nodes", "list", q] as const,
  one: (id: string) => ["nodes", id] as const,
  events: (id: string) => ["nodes", id, "events"] as const,
  local: ["nodes", "local"] as const,
};

export const instanceKeys = {
  all: ["instances"] as const,
  list: (q: Record<string, unknown>) => ["instances", "list", q] as const,
  one: (id: string) => ["instances", id] as const,
  logs: (id: string, q: Record<string, unknown>) => ["instances", id, "logs", q] as const,
  stats: (id: string) => ["instances", id, "stats"] as const,
  metrics: (id: string, rangeSec: number) => ["instances", id, "metrics", rangeSec] as const,
};

export const gpuKeys = {
  overview: ["gpu", "overview"] as const,
  /** Live `gpu` events of a node, kept for charts. */
  live: (nodeId: string) => ["gpu", "live", nodeId] as const,
  nodeMetrics: (nodeId: string, rangeSec: number) => ["gpu", "node", nodeId, rangeSec] as const,
};

export const billingKeys = {
  all: ["billing"] as const,
  summary: ["billing", "summary"] as const,
  ledger: (q: Record<string, unknown>) => ["billing", "ledger", q] as const,
  usage: (q: Record<string, unknown>) => ["billing", "usage", q] as const,
  records: (q: Record<string, unknown>) => ["billing", "records", q] as const,
  revenue: (q: Record<string, unknown>) => ["billing", "revenue", q] as const,
  stats: ["billing", "admin-stats"] as const,
  batches: (q: Record<string, unknown>) => ["billing", "batches", q] as const,
  codes: (batchId: string, q: Record<string, unknown>) => ["billing", "batches", batchId, "codes", q] as const,
};

export const notificationKeys = {
  all: ["notifications"] as const,
  list: (q: Record<string, unknown>) => ["notifications", "list", q] as const,
};

export const jobKeys = {
  all: ["jobs"] as const,
  list: (q: Record<string, unknown>) => ["jobs", "list", q] as const,
  one: (id: string) => ["jobs", id] as const,
  runs: (q: Record<string, unknown>) => ["jobs", "runs", q] as const,
  run: (id: string) => ["jobs", "run", id] as const,
  runLogs: (id: string, tail: number, over: boolean, file: "output" | "error" = "output") => ["jobs", "run", id, "logs", tail, over, file] as const,
  queue: ["jobs", "queue"] as const,
  workers: ["jobs", "workers"] as const,
  status: ["jobs", "status"] as const,
};

export const clusterKeys = {
  all: ["clusters"] as const,
  list: (q: Record<string, unknown>) => ["clusters", "list", q] as const,
  one: (id: string) => ["clusters", id] as const,
  overview: (id: string) => ["clusters", id, "status"] as const,
  nodes: (id: string) => ["clusters", id, "nodes"] as const,
  partitions: (id: string) => ["clusters", id, "partitions"] as const,
  jobs: (id: string, q: Record<string, unknown>) => ["clusters", id, "jobs", q] as const,
  events: (id: string, q: Record<string, unknown>) => ["clusters", id, "events", q] as const,
  users: (id: string, q: Record<string, unknown>) => ["clusters", id, "users", q] as const,
  /** The signed-in user's runs on a cluster (their own runs, filtered here). */
  myRuns: (id: string) => ["clusters", id, "my-runs"] as const,
};

export const auditKeys = {
  all: ["audit"] as const,
  list: (q: Record<string, unknown>) => ["audit", "list", q] as const,
  mine: (q: Record<string, unknown>) => ["audit", "me", q] as const,
};

export const systemLogKeys = {
  all: ["system-logs"] as const,
  list: (q: Record<string, unknown>) => ["system-logs", "list", q] as const,
};

export const webhookKeys = {
  all: ["webhooks"] as const,
  list: (q: Record<string, unknown>) => ["webhooks", "list", q] as const,
  deliveries: (id: string, q: Record<string, unknown>) => ["webhooks", id, "deliveries", q] as const,
  delivery: (id: string, deliveryId: string) => ["webhooks", id, "delivery", deliveryId] as const,
};
