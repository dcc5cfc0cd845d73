import "server-only";
import path from "node:path";
import { z } from "zod";
import { type Ipv4Cidr, parseCidr } from "./adapters/subnets";

// Every environment variable the console reads, validated once. Nothing else reads process.env.

const bool = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) => v === "true" || v === "1" || v === "yes");
/** Comma-separated CIDRs. */
const cidrs = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(",")
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every((c) => /^[0-9a-fA-F:.]+\/\d{1,3}$/.test(c)), "must be comma-separated CIDRs such as 10.0.0.0/8");

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
/** Comma-separated whole seconds (at least one). */
const seconds = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) => v.split(",").map((s) => s.trim()))
    .refine((list) => list.length > 0 && list.every((s) => /^\d{1,7}$/.test(s)), "must be comma-separated whole seconds such as 0,5,300")
    .transform((list) => list.map(Number));

const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  HOST: z.string().default("0.0.0.0"),
  PORT: int(3000, 1),
  DATA_DIR: z.string().default("./data"),
  /** file:... (SQLite) or postgres://... / postgresql://...; default: SQLite in DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "must start with file: or postgres://")
    .optional(),
  /** The URL users reach the console at; used for auth callbacks and Origin checks. */
  PUBLIC_URL: z.url().optional(),
  ADMIN_USERNAME: z
    .string()
    .regex(/^[a-z0-9_.-]{3,32}$/, "3-32 of a-z 0-9 _ . -")
    .default("admin"),
  ADMIN_EMAIL: z.email().default("admin@console.local"),
  ADMIN_PASSWORD: z.string().min(8, "at least 8 characters").max(128).optional(),
  /** Master secret (≥ 32 characters); otherwise a random key is kept in DATA_DIR/secret.key. */
  APP_SECRET: z.string().min(32, "at least 32 characters").optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must start with redis://")
    .optional(),
  /** PostgreSQL connections per console process. */
  DATABASE_POOL_SIZE: int(20, 2),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Number of reverse proxies in front of the console whose X-Forwarded-For is trusted. */
  TRUST_PROXY: int(0),
  SESSION_TTL_HOURS: int(24, 1),
  REGISTRATION_ENABLED: bool.default(true),
  RATE_LIMIT_API_PER_MIN: int(100, 1),
  /** State-changing requests to administrators' endpoints, per administrator and minute. */
  RATE_LIMIT_ADMIN_PER_MIN: int(50, 1),
  /** Default of the auditRetentionDays setting. */
  AUDIT_RETENTION_DAYS: int(365, 30),
  RATE_LIMIT_LOGIN_IP_PER_MIN: int(10, 1),
  RATE_LIMIT_REGISTER_IP_PER_HOUR: int(20, 1),
  LOGIN_LOCK_FAILURES: int(5, 1),
  LOGIN_LOCK_MINUTES: int(15, 1),
  /** How often the health worker checks each node's Docker engine. */
  NODE_HEALTH_INTERVAL_SEC: int(30, 1),
  /** How often the reconciler compares instances with their nodes' containers. */
  RECONCILE_INTERVAL_SEC: int(15, 1),
  /** How long an operation's claim on an instance lasts without renewal (a dead process's lapses). */
  INSTANCE_LEASE_SEC: int(60, 3),
  /** Processes/threads one instance may run. */
  INSTANCE_PIDS_LIMIT: int(4096, 64),
  /** Where each user's network on a node takes its subnet from (IPv4 CIDR), and the size of one. */
  TENANT_NETWORK_POOL: z
    .string()
    .refine((v) => parseCidr(v) !== null, "must be an IPv4 network such as 10.200.0.0/16")
    .default("10.200.0.0/16"),
  TENANT_NETWORK_PREFIX: z.coerce.number().int().min(16).max(29).default(26),
  /** Notifications older than this are deleted (read or not). */
  NOTIFICATION_RETENTION_DAYS: int(90, 1),
  /** Initial values of the job settings (admins change them in the console). */
  JOB_MAX_RUNNING_PER_USER: int(3, 1),
  JOB_DEFAULT_TIMEOUT_SEC: int(3600, 1),
  /** A run's claim by a console process lasts this long unrenewed: a run whose process died is taken over within about this. */
  JOB_LEASE_SEC: int(30, 3),
  /** A container run's log is kept up to this many bytes (its newest part) once the run ends. */
  JOB_LOG_MAX_BYTES: int(4 * 1024 * 1024, 1024),
  /** After a timeout or cancel, a run's container gets SIGTERM and this long before SIGKILL. */
  JOB_STOP_GRACE_SEC: int(10, 0),
  /** Slurm clusters: how long a read from slurmrestd (jobs, nodes, partitions, ping) is reused, and how often health is checked. */
  SLURM_POLL_SEC: int(10, 1),
  /** Internal addresses (comma-separated CIDRs) that http jobs and webhooks may reach; none by default. */
  EGRESS_ALLOWLIST: cidrs(""),
  /**
   * Webhook deliveries: the wait before each attempt (the first is the event's own). Svix's
   * schedule by default: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (about 27 hours).
   */
  WEBHOOK_RETRY_SCHEDULE_SEC: seconds("0,5,300,1800,7200,18000,36000,36000"),
  /** A webhook receiver must answer within this long. */
  WEBHOOK_TIMEOUT_SEC: int(15, 1),
  /** Initial value of the metricsAllowlist setting: who may read GET /metrics without a token. */
  METRICS_ALLOWLIST: cidrs("127.0.0.1/32,::1/128"),
  /** How long a terminal outlives its browser connection, waiting for a reconnect. */
  TERMINAL_GRACE_SEC: int(300, 1),
  /** A terminal without input for this long is ended. */
  TERMINAL_IDLE_SEC: int(3600, 10),
  /** Open terminals per user. */
  TERMINAL_MAX_PER_USER: int(10, 1),
  /** Default of the maxInstancesPerUser setting. */
  MAX_INSTANCES_PER_USER: int(50, 1),
  /** The SSH jump host's port (ssh -p 2026 <instance>.<user>@host); 0 turns it off. */
  SSH_PORT: int(2026),
  /** Address the jump host listens on; HOST when unset. */
  SSH_HOST: z.string().optional(),
  /** Host name shown in ssh commands; PUBLIC_URL's host (else the page's host) when unset. */
  SSH_PUBLIC_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:[\]-]{1,253}$/, "must be a host name or address")
    .optional(),
  /** Initial value of the per-user SSH session limit setting. */
  SSH_MAX_SESSIONS_PER_USER: int(10, 1),
  /** Initial value of the SSH idle-timeout setting: a connection without traffic this long is closed. */
  SSH_IDLE_TIMEOUT_SEC: int(3600, 10),
  /**
   * The app proxy's own listener (web apps in instances at /apps/<instance>/<port>/, on an
   * origin apart from the console's); PORT + 1 when unset, 0 turns path-mode apps off.
   */
  APPS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** The URL browsers reach the app listener at (behind a reverse proxy); http://<console's host>:APPS_PORT when unset. */
  APPS_PUBLIC_URL: z.url().optional(),
  /** Serves apps on <instance>-<port>.<APPS_DOMAIN> too (wildcard DNS to the app listener or the console). */
  APPS_DOMAIN: z
    .string()
    .toLowerCase()
    .regex(/^(?=.{1,200}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "must be a domain name such as apps.example.com")
    .optional(),
  /** How often each online node's GPUs are read over SSH (nvidia-smi). */
  GPU_POLL_SEC: int(15, 1),
  /** How often running instances' container stats are sampled for their history. */
  INSTANCE_STATS_SEC: int(60, 5),
  /** Raw GPU samples are kept this long, then folded into one-minute averages. */
  GPU_RAW_RETENTION_HOURS: int(24, 1),
  /** One-minute GPU averages are kept this long. */
  GPU_ROLLUP_RETENTION_DAYS: int(30, 1),
  /** Recent output kept per terminal and replayed on reconnect. */
  TERMINAL_BUFFER_KB: int(256, 16),
  /** Running instances are charged per interval of this many seconds. */
  BILLING_INTERVAL_SEC: int(60, 1),
  /** Launching or starting needs a balance covering this many minutes of the spec's price. */
  BILLING_MIN_BALANCE_MINUTES: int(60, 0),
  /** Users are warned when their running instances can run less than this many minutes. */
  BILLING_LOW_BALANCE_MINUTES: int(60, 0),
  /** Failed recharge-code attempts a user may make before being locked out for REDEEM_LOCK_MINUTES. */
  REDEEM_MAX_FAILURES: int(5, 1),
  REDEEM_LOCK_MINUTES: int(15, 1),
});

export type Env = z.infer<typeof ZEnv>;

function load(): Env & { dataDir: string; databaseUrl: string; dbProvider: "sqlite" | "postgres"; tenantPool: Ipv4Cidr } {
  const parsed = ZEnv.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.DATA_DIR);
  const databaseUrl = env.DATABASE_URL ?? `file:${path.join(dataDir, "console.db")}`;
  const dbProvider = databaseUrl.startsWith("postgres") ? "postgres" : "sqlite";
  const tenantPool = parseCidr(env.TENANT_NETWORK_POOL)!;
  if (env.TENANT_NETWORK_PREFIX < tenantPool.prefix) {
    throw new Error(`Invalid environment:\n  TENANT_NETWORK_PREFIX: must be at least the pool's /${tenantPool.prefix}`);
  }
  if (env.APPS_PUBLIC_URL && !env.PUBLIC_URL) {
    throw new Error("Invalid environment:\n  APPS_PUBLIC_URL: needs PUBLIC_URL (the app listener sends browsers back to the console to sign in)");
  }
  if (env.APPS_DOMAIN && !env.PUBLIC_URL) {
    throw new Error("Invalid environment:\n  APPS_DOMAIN: needs PUBLIC_URL (apps on their own domain send browsers back to the console to sign in)");
  }
  return { ...env, dataDir, databaseUrl, dbProvider, tenantPool };
}

let cached: ReturnType<typeof load> | undefined;

/** The validated environment (read on first use, so tests can set variables before). */
export function env() {
  cached ??= load();
  return cached;
}
