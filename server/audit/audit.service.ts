import "server-only";
import { logger } from "../logger";
import { insertAuditEvent } from "./audit.repo";

// An audit trail of security-relevant actions. Details must never contain secrets.
// Recording is best effort: a failed audit write is logged, never fails the action.

export type AuditInput = {
  actorId: string | null;
  action: string;
  target?: { type: string; id: string };
  detail?: Record<string, unknown>;
  ip?: string;
};

export async function audit(e: AuditInput): Promise<void> {
  try {
    await insertAuditEvent({
      actorId: e.actorId,
      action: e.action,
      targetType: e.target?.type,
      targetId: e.target?.id,
      detail: JSON.stringify(e.detail ?? {}),
      ip: e.ip,
    });
  } catch (err) {
    logger.warn({ err, action: e.action }, "audit write failed");
  }
}
