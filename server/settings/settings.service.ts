import "server-only";
import { createHash } from "node:crypto";
import { ZSettings, type TSettings, type TUpdateSettingsRequest } from "@/lib/contracts/system";
import { audited, auditNote } from "../audit/audit.service";
import { appsDomain } from "../apps/origins";
import { isAdmin } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { env } from "../env";
import { AppError, ref } from "../http/errors";
import { readSettings, writeSettings } from "./settings.repo";

type Stored = Omit<TSettings, "metricsTokenSet">;
/** Where the metrics bearer token's hash is kept (never answered). */
const METRICS_TOKEN_KEY = "metricsTokenHash";

export const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

// Console-wide settings: stored values override the environment's defaults.

function defaults(): Stored {
  const e = env();
  return {
    registrationEnabled: e.REGISTRATION_ENABLED,
    maintenanceMode: false,
    maintenanceMessage: "",
    maxInstancesPerUser: e.MAX_INSTANCES_PER_USER,
    maxTerminalsPerUser: e.TERMINAL_MAX_PER_USER,
    lowBalanceMinutes: e.BILLING_LOW_BALANCE_MINUTES,
    maxRunningJobsPerUser: e.JOB_MAX_RUNNING_PER_USER,
    jobDefaultTimeoutSeconds: e.JOB_DEFAULT_TIMEOUT_SEC,
    egressAllowlist: e.EGRESS_ALLOWLIST,
    sshMaxSessionsPerUser: e.SSH_MAX_SESSIONS_PER_USER,
    sshIdleTimeoutSeconds: e.SSH_IDLE_TIMEOUT_SEC,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    systemLogRetentionDays: 30,
    metricsAllowlist: e.METRICS_ALLOWLIST,
    metricsDcgmModelName: false,
  };
}

async function load(): Promise<{ settings: TSettings; metricsTokenHash: string | null }> {
  const stored = await readSettings();
  const merged: Record<string, unknown> = { ...defaults() };
  for (const key of Object.keys(merged)) {
    const raw = stored.get(key);
    if (raw !== undefined) merged[key] = JSON.parse(raw);
  }
  const hash = stored.get(METRICS_TOKEN_KEY);
  const metricsTokenHash = hash ? (JSON.parse(hash) as string | null) : null;
  return { settings: ZSettings.parse({ ...merged, metricsTokenSet: !!metricsTokenHash }), metricsTokenHash };
}

export async function getSettings(): Promise<TSettings> {
  return (await load()).settings;
}

/** What every page needs before anything else: is registration open, is the console in maintenance. */
export async function publicConfig() {
  const s = await getSettings();
  return {
    registrationEnabled: s.registrationEnabled,
    appsOnOwnDomains: appsDomain() !== null,
    maintenance: { enabled: s.maintenanceMode, message: s.maintenanceMessage },
  };
}

/**
 * Maintenance: users cannot launch, start or submit now (administrators can, to check their
 * work). Scheduled runs of existing jobs go on.
 */
export async function assertNotInMaintenance(p: Principal): Promise<void> {
  if (isAdmin(p)) return;
  const s = await getSettings();
  if (!s.maintenanceMode) return;
  throw new AppError(
    "MAINTENANCE",
    s.maintenanceMessage ? ref("serverMessages.maintenanceWhy", { message: s.maintenanceMessage }) : ref("serverMessages.maintenance"),
  );
}

/** Who may read GET /metrics: the allowlist, and the token's hash (null: no token). */
export async function metricsAccess(): Promise<{ allowlist: string[]; tokenHash: string | null; dcgmModelName: boolean }> {
  const { settings, metricsTokenHash } = await load();
  return { allowlist: settings.metricsAllowlist, tokenHash: metricsTokenHash, dcgmModelName: settings.metricsDcgmModelName };
}

export async function updateSettings(patch: TUpdateSettingsRequest): Promise<TSettings> {
  const { metricsToken, ...rest } = patch;
  const values: Record<string, string> = Object.fromEntries(
    Object.entries(rest)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, JSON.stringify(v)]),
  );
  if (metricsToken !== undefined) values[METRICS_TOKEN_KEY] = JSON.stringify(metricsToken === null ? null : tokenHash(metricsToken));
  const before = await getSettings();
  const changed = Object.keys(rest).filter((k) => rest[k as keyof typeof rest] !== undefined) as (keyof TSettings)[];
  auditNote({
    target: { type: "settings", id: "console", name: "Console settings" },
    // The token is redacted by its name; whether it was set or removed is what is kept.
    detail: {
      ...rest,
      ...(metricsToken !== undefined ? { metricsToken: metricsToken === null ? "removed" : "set" } : {}),
      previous: Object.fromEntries(changed.map((k) => [k, before[k]])),
    },
  });
  await audited(() => writeSettings(values));
  return getSettings();
}
