import "server-only";
import { auditNote } from "../audit/audit.service";
import type { Principal } from "../auth/principal";
import { engineError, nodeOf, runtimeOf, STOP_GRACE_SEC } from "./engine";
import { toDto } from "./instance-dto";
import { loadOwned } from "./instances.service";
import { withLease } from "./lease";
import { startInstance } from "./start";
import { containerName } from "./workload";

// Restart: a running instance's container restarts in place (same resources, same run of
// the meter); a stopped one is started.

export async function restartInstance(p: Principal, id: string) {
  const row = await loadOwned(p, id);
  auditNote({ target: { type: "instance", id, name: row.name } });
  if (row.status !== "running") return startInstance(p, id, { withoutGpu: row.withoutGpu });
  const updated = await withLease(row, ["running"], async () => {
    const node = await nodeOf(row);
    try {
      await runtimeOf(node).restart(containerName(id), STOP_GRACE_SEC);
    } catch (err) {
      throw engineError(err, node, "restart the container");
    }
    return { data: { status: "running", startedAt: new Date(), statusMessage: null, statusRef: null } };
  });
  return toDto(updated);
}
