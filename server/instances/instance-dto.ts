import "server-only";
import { DATA_MOUNT_PATH, type TInstanceStatus } from "@/lib/contracts/instances";
import type { InstanceRow } from "./instances.repo";

// An instance row as the API shows it (the response schema drops anything it does not name).

export function toDto(row: InstanceRow) {
  return {
    ...row,
    status: row.status as TInstanceStatus,
    username: row.user.username,
    nodeName: row.node?.name ?? null,
    gpus: row.allocations.filter((a) => a.gpuIndex !== null).map((a) => ({ index: a.gpuIndex!, memoryGb: a.gpuMemoryGb, exclusive: a.exclusive })),
    dataPath: DATA_MOUNT_PATH,
  };
}
export type InstanceDto = ReturnType<typeof toDto>;
