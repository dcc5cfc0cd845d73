import "server-only";
import { db } from "../db/client";

export async function readSettings(): Promise<Map<string, string>> {
  const rows = await db().setting.findMany({ select: { key: true, value: true } });
  return new Map(rows.map((r) => [r.key, r.value]));
}

export async function writeSettings(values: Record<string, string>): Promise<void> {
  await db().$transaction(async (tx) => {
    for (const [key, value] of Object.entries(values)) {
      await tx.setting.upsert({ where: { key }, create: { key, value }, update: { value }, select: { key: true } });
    }
  });
}
