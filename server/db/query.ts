import "server-only";
import { env } from "../env";

// Small query helpers that hide the differences between the two providers.

/** A case-insensitive "contains" filter (SQLite's LIKE already ignores ASCII case). */
export function containsText(value: string): { contains: string } {
  return env().dbProvider === "postgres"
    ? ({ contains: value, mode: "insensitive" } as { contains: string })
    : { contains: value };
}

export function pageArgs(q: { page: number; pageSize: number }): { skip: number; take: number } {
  return { skip: (q.page - 1) * q.pageSize, take: q.pageSize };
}
