import "server-only";
import { type MessageRef, ref, renderMessage, statusFields } from "@/lib/i18n/message-ref";
import { auditNote } from "../audit/audit.service";
import type { Principal } from "../auth/principal";
import { balanceUsedUp, recordStopForBalance } from "../billing/billing.service";
import { settleInstance } from "../billing/meter";
import { emit } from "../events";
import { logger } from "../logger";
import { engineError, nodeOf, runtimeOf, STOP_GRACE_SEC } from "./engine";
import { toDto } from "./instance-dto";
import { loadOwned } from "./instances.service";
import * as repo from "./instances.repo";
import { withLease } from "./lease";
import { containerName } from "./workload";

// Stop: the container stops (its data volume and files are kept), the instance's resources
// are freed and its run is charged to the stop. When a balance runs out, all of its owner's
// running instances stop at once.

const BALANCE_REF = ref("serverMessages.instanceStatus.balance");
const BALANCE_REASON = renderMessage("en-US", BALANCE_REF);

export async function stopInstance(p: Principal, id: string) {
  const row = await loadOwned(p, id);
  auditNote({ target: { type: "instance", id, name: row.name } });
  if (row.status === "stopped" || row.status === "exited") return toDto(row);
  const updated = await stopRow(row, null);
  return toDto(updated);
}

/** Stops a running instance's container (data kept), records why, and charges its run to the stop. */
async function stopRow(row: repo.InstanceRow, message: MessageRef | null) {
  const updated = await withLease(row, ["running"], async () => {
    const node = await nodeOf(row);
    try {
      await runtimeOf(node).stop(containerName(row.id), STOP_GRACE_SEC);
    } catch (err) {
      throw engineError(err, node, "stop the container");
    }
    return { data: { status: "stopped", stoppedAt: new Date(), ...statusFields(message) }, release: true };
  });
  await settleInstance(row.id);
  return updated;
}

/** At most this many stops of one user run at once (each may wait the stop's grace period). */
const PARALLEL_STOPS = 32;

/**
 * The balance ran out: the user's running instances are stopped, all at once (never deleted;
 * their data is kept), each with the reason and a ledger line saying so.
 */
export async function stopForBalance(userId: string): Promise<string[]> {
  // A top-up may have come since the meter saw zero.
  if (!(await balanceUsedUp(userId))) return [];
  const rows = await repo.runningOf(userId);
  const stopped: repo.InstanceRow[] = [];
  for (let i = 0; i < rows.length; i += PARALLEL_STOPS) {
    await Promise.all(
      rows.slice(i, i + PARALLEL_STOPS).map(async (row) => {
        try {
          const updated = await stopRow(row, BALANCE_REF);
          await recordStopForBalance(updated);
          stopped.push(row);
          logger.info({ instanceId: row.id, userId }, "instance stopped: balance used up");
        } catch (err) {
          logger.warn({ instanceId: row.id, err: String(err) }, "could not stop an instance whose balance ran out");
        }
      }),
    );
  }
  // Told together, once all are stopped: one notification for all of them.
  for (const row of stopped)
    emit("instance.status", { instanceId: row.id, userId, name: row.name, status: "stopped", reason: "balance", message: BALANCE_REASON });
  return stopped.map((r) => r.id);
}
