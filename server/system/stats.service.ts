import "server-only";
import type { TAdminStats } from "@/lib/contracts/billing";
import { sumByKinds } from "../billing/ledger.repo";
import { db } from "../db/client";
import { gpuOverview } from "../metrics/gpu.service";

// Platform statistics for administrators (seed 003's /admin/stats): users, instances by
// status, nodes, GPUs and revenue (usage net of refunds).

const DAY_MS = 86_400_000;

export async function platformStats(now = new Date()): Promise<TAdminStats> {
  const since = new Date(now.getTime() - 30 * DAY_MS);
  const [total, active, recent, byStatus, overview, revenue, revenue30, balances] = await Promise.all([
    db().user.count(),
    db().user.count({ where: { isActive: true } }),
    db().user.count({ where: { lastLoginAt: { gte: since } } }),
    db().instance.groupBy({ by: ["status"], _count: { _all: true }, where: { status: { not: "deleted" } } }),
    gpuOverview(),
    sumByKinds(["usage", "refund"]),
    sumByKinds(["usage", "refund"], since),
    db().user.aggregate({ _sum: { balanceCents: true } }),
  ]);
  return {
    users: { total, active, activeLast30Days: recent },
    instances: Object.fromEntries(byStatus.map((s) => [s.status, s._count._all])),
    nodes: { total: overview.nodes.total, online: overview.nodes.online },
    gpus: overview.gpus,
    revenue: { totalCents: -revenue, last30DaysCents: -revenue30 },
    balances: { totalCents: balances._sum.balanceCents ?? 0 },
  };
}
