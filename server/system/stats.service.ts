import "server-only";
import type { TAdminStats } from "@/lib/contracts/billing";
import { sumByKinds } from "../billing/ledger.repo";
import { gpuOverview } from "../metrics/gpu.service";
import * as repo from "./stats.repo";

// Platform statistics for administrators (seed 003's /admin/stats): users, instances by
// status, nodes, GPUs, revenue (usage net of refunds) and the balances users hold.

const DAY_MS = 86_400_000;

export async function platformStats(now = new Date()): Promise<TAdminStats> {
  const since = new Date(now.getTime() - 30 * DAY_MS);
  const [users, instances, overview, revenue, revenue30] = await Promise.all([
    repo.userCounts(since),
    repo.instancesByStatus(),
    gpuOverview(),
    sumByKinds(["usage", "refund"]),
    sumByKinds(["usage", "refund"], since),
  ]);
  return {
    users: { total: users.total, active: users.active, activeLast30Days: users.recent },
    instances,
    nodes: { total: overview.nodes.total, online: overview.nodes.online },
    gpus: overview.gpus,
    revenue: { totalCents: -revenue, last30DaysCents: -revenue30 },
    balances: { totalCents: users.balancesCents },
  };
}
