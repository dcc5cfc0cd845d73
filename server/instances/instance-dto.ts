import "server-only";
import { DATA_MOUNT_PATH, type TInstanceStatus } from "@/lib/contracts/instances";
import { chargeFor } from "../billing/meter";
import type { InstanceRow } from "./instances.repo";

// An instance row as the API shows it (the response schema drops anything it does not name).
// Its cost so far comes from its meter: the ledger charges each interval as a step of the
// cumulative floor(price × charged time / 1 h) and refunds step back, so the entries of an
// instance always add up to that of its net charged time (meteredMs): no ledger query needed.

/** Running time so far: what was charged, plus the part of the current interval the meter has not charged yet. */
function runningMs(row: InstanceRow, now: number): number {
  const unbilled = row.status === "running" && row.meteredUntil ? Math.max(0, now - row.meteredUntil.getTime()) : 0;
  return row.meteredMs + unbilled;
}

export function toDto(row: InstanceRow, now = Date.now()) {
  return {
    ...row,
    status: row.status as TInstanceStatus,
    username: row.user.username,
    nodeName: row.node?.name ?? null,
    gpus: row.allocations.filter((a) => a.gpuIndex !== null).map((a) => ({ index: a.gpuIndex!, memoryGb: a.gpuMemoryGb, exclusive: a.exclusive })),
    dataPath: DATA_MOUNT_PATH,
    costCents: chargeFor(row.pricePerHourCents, 0, Math.round(row.meteredMs)),
    runningSeconds: Math.round(runningMs(row, now) / 1000),
  };
}
export type InstanceDto = ReturnType<typeof toDto>;
