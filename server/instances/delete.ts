import "server-only";
import { ref, statusFields } from "@/lib/i18n/message-ref";
import { audited, auditNote } from "../audit/audit.service";
import type { Principal } from "../auth/principal";
import { settleInstance } from "../billing/meter";
import { logger } from "../logger";
import { findNode } from "../nodes/nodes.repo";
import { engineError, runtimeOf } from "./engine";
import { loadOwned } from "./instances.service";
import * as repo from "./instances.repo";
import { withLease } from "./lease";
import { cleanUp } from "./provision";
import { tenantNetworkName } from "./workload";

// Delete: the allocation is freed at once and the container and data volume removed. When
// the node cannot be reached (or Docker refuses), the row is deleted anyway and the
// reconciler removes the container and volume once the node answers. Idempotent.

export async function deleteInstance(p: Principal, id: string): Promise<void> {
  const row = await loadOwned(p, id, { deleted: true });
  auditNote({ target: { type: "instance", id, name: row.name } });
  if (row.status === "deleted") return;
  // Unseen since its node stopped answering: no running time after that is charged.
  const unseen = row.status === "unknown" || (row.status === "failed" && !row.stoppedAt) ? { stoppedAt: row.meteredUntil } : {};
  const gone = {
    status: "deleted",
    deletedAt: new Date(),
    containerId: null,
    statusMessage: null,
    statusRef: null,
    leaseOwner: null,
    leaseUntil: null,
    ...unseen,
  };
  const node = row.nodeId ? await findNode(row.nodeId) : null;
  const removeNow = async () => {
    if (!node) return;
    const rt = runtimeOf(node);
    try {
      await cleanUp(rt, id);
    } catch (err) {
      logger.warn(
        { instanceId: id, node: node.name, err: String(engineError(err, node, "remove the container")) },
        "container removal deferred to the reconciler",
      );
      await repo.transition(id, ["deleted"], statusFields(ref("serverMessages.instanceStatus.removalPending")));
      return;
    }
    // The owner's network goes with their last instance on the node (in use: it stays).
    await rt.removeNetworkIfUnused(tenantNetworkName(row.userId)).catch((err: unknown) => logger.debug({ err: String(err) }, "network kept"));
  };
  // Cancels a creation: its worker (if alive) sees the row gone and removes what it made.
  // If the creation finished meanwhile, the instance is deleted like any other.
  if (row.status === "creating" && (await audited(() => repo.transition(id, ["creating"], gone, { release: true })))) {
    await removeNow();
  } else {
    await withLease(row, ["running", "stopped", "exited", "failed", "unknown"], async () => ({ data: gone, release: true }));
    await settleInstance(id);
    await removeNow();
  }
}
