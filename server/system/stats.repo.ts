import "server-only";
import { db } from "../db/client";

// Counts behind the platform statistics.

export async function userCounts(since: Date) {
  const [total, active, recent, balances] = await Promise.all([
    db().user.count(),
    db().user.count({ where: { isActive: true } }),
    db().user.count({ where: { lastLoginAt: { gte: since } } }),
    db().user.aggregate({ _sum: { balanceCents: true } }),
  ]);
  return { total, active, recent, balancesCents: balances._sum.balanceCents ?? 0 };
}

/** Live instances (not deleted) per status. */
export async function instancesByStatus(): Promise<Record<string, number>> {
  const rows = await db().instance.groupBy({ by: ["status"], _count: { _all: true }, where: { status: { not: "deleted" }, jobRunId: null } });
  return Object.fromEntries(rows.map((s) => [s.status, s._count._all]));
}
