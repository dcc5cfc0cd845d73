import "server-only";
import { db } from "../db/client";

// Records of terminal sessions: who, which instance, start and end. Never the content.

export async function recordStart(userId: string, instanceId: string): Promise<string> {
  return (await db().terminalSession.create({ data: { userId, instanceId }, select: { id: true } })).id;
}

export async function recordEnd(id: string, reason: string): Promise<void> {
  await db().terminalSession.updateMany({ where: { id, endedAt: null }, data: { endedAt: new Date(), endReason: reason } });
}
