import "server-only";
import { db } from "../db/client";

export function insertAuditEvent(data: {
  actorId: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  detail: string;
  ip?: string;
}): Promise<unknown> {
  return db().auditEvent.create({ data, select: { id: true } });
}
