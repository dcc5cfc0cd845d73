import "server-only";
import { db, transaction } from "../db/client";

export async function readSettings(): Promise<Map<string, string>> {
  const rows = await db().setting.findMany({ select: { key: true, value: true } });
  return new Map(rows.map((r) => [r.key, r.value]));
}

export async function writeSettings(values: Record<string, string>): Promise<void> {
  await transaction(async (tx) => {
    for (const [key, value] of Object.entries(values)) {
      await tx.setting.upsert({ where: { key }, create: { key, value }, update: { value }, select: { key: true } });
    }
  });
}

/** The stored value of `key`, storing `value` first if there is none (race-safe). */
export async function ensureSetting(key: string, value: string): Promise<string> {
  const existing = await db().setting.findUnique({ where: { key }, select: { value: true } });
  if (existing) return existing.value;
  try {
    await db().setting.create({ data: { key, value }, select: { key: true } });
    return value;
  } catch (err) {
    // Another process stored it first: theirs is the value.
    if ((err as { code?: string }).code !== "P2002") throw err;
    return (await db().setting.findUniqueOrThrow({ where: { key }, select: { value: true } })).value;
  }
}
