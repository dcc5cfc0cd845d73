import "server-only";
import { ZSettings, type TSettings } from "@/lib/contracts/system";
import { audited, auditNote } from "../audit/audit.service";
import { env } from "../env";
import { readSettings, writeSettings } from "./settings.repo";

// Console-wide settings: stored values override the environment's defaults.

function defaults(): TSettings {
  const e = env();
  return {
    registrationEnabled: e.REGISTRATION_ENABLED,
    maxRunningJobsPerUser: e.JOB_MAX_RUNNING_PER_USER,
    jobDefaultTimeoutSeconds: e.JOB_DEFAULT_TIMEOUT_SEC,
    egressAllowlist: e.EGRESS_ALLOWLIST,
    sshMaxSessionsPerUser: e.SSH_MAX_SESSIONS_PER_USER,
    sshIdleTimeoutSeconds: e.SSH_IDLE_TIMEOUT_SEC,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
  };
}

export async function getSettings(): Promise<TSettings> {
  const stored = await readSettings();
  const merged: Record<string, unknown> = { ...defaults() };
  for (const key of Object.keys(merged)) {
    const raw = stored.get(key);
    if (raw !== undefined) merged[key] = JSON.parse(raw);
  }
  return ZSettings.parse(merged);
}

export async function updateSettings(patch: Partial<TSettings>): Promise<TSettings> {
  const values = Object.fromEntries(
    Object.entries(patch)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, JSON.stringify(v)]),
  );
  const before = await getSettings();
  const changed = Object.keys(values) as (keyof TSettings)[];
  auditNote({
    target: { type: "settings", id: "console", name: "Console settings" },
    detail: { ...patch, previous: Object.fromEntries(changed.map((k) => [k, before[k]])) },
  });
  await audited(() => writeSettings(values));
  return getSettings();
}
