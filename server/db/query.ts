import "server-only";
import { env } from "../env";

// Small query helpers that hide the differences between the two providers.

/** A case-insensitive "contains" filter (SQLite's LIKE already ignores ASCII case). */
export function containsText(value: string): { contains: string } {
  return env().dbProvider === "postgres" ? ({ contains: value, mode: "insensitive" } as { contains: string }) : { contains: value };
}

export function pageArgs(q: { page: number; pageSize: number }): { skip: number; take: number } {
  return { skip: (q.page - 1) * q.pageSize, take: q.pageSize };
}

/**
 * Whether `name` is taken by another row, ignoring case ("GPU-A100" and "gpu-a100" are the
 * same name to people). `similar` lists rows whose name contains it (see containsText).
 */
export function nameTakenIn(rows: { id: string; name: string }[], name: string, exceptId?: string): boolean {
  const key = name.trim().toLowerCase();
  return rows.some((r) => r.id !== exceptId && r.name.trim().toLowerCase() === key);
}

/** Runs a query over `ids` in chunks (an IN list within every database's parameter limit) and joins the results. */
export async function inChunks<T>(ids: string[], query: (chunk: string[]) => Promise<T[]>, size = 500): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += size) out.push(...(await query(ids.slice(i, i + size))));
  return out;
}
