import "server-only";
import { auditNote } from "../audit/audit.service";
import { assertNotInMaintenance } from "../settings/settings.service";
import type { Principal } from "../auth/principal";
import { assertCanAfford } from "../billing/billing.service";
import { settleInstance } from "../billing/meter";
import { AppError, ref } from "../http/errors";
import { renderMessage } from "@/lib/i18n/message-ref";
import { engineError, nodeOf, runtimeOf, STOP_GRACE_SEC } from "./engine";
import { toDto } from "./instance-dto";
import { loadOwned } from "./instances.service";
import * as repo from "./instances.repo";
import { withLease } from "./lease";
import { needsOf, planAllocation } from "./placement";
import { ensureWorkload, startVerified } from "./provision";
import { containerName } from "./workload";

// Start: the instance takes its resources on its node again (GPUs, or none with
// `withoutGpu` when they are taken) and its container starts on the same data volume. The
// previous run is charged to its end first, and the owner's balance must carry everything
// they then run.

const STARTABLE = ["stopped", "exited", "failed"] as const;

export async function startInstance(p: Principal, id: string, opts: { withoutGpu: boolean }) {
  const row = await loadOwned(p, id);
  auditNote({ target: { type: "instance", id, name: row.name }, detail: { withoutGpu: opts.withoutGpu } });
  if (row.status === "running") return toDto(row);
  await assertNotInMaintenance(p);
  // The previous run is charged to its end first (or the start fails).
  await settleInstance(id, { strict: true });
  const node = await nodeOf(row);
  const stopIt = () =>
    runtimeOf(node)
      .stop(containerName(id), STOP_GRACE_SEC)
      .catch(() => undefined);
  const updated = await withLease(
    row,
    STARTABLE,
    async () => {
      if (node.status === "offline") throw new AppError("NODE_UNREACHABLE", ref("serverMessages.instance.nodeOffline", { node: node.name }));
      await repo.releaseAllocations(id);
      const placed = await repo.withNodeLock(node.id, async (tx, { node: locked, held }) => {
        await assertCanAfford(tx, row.userId, row.pricePerHourCents);
        const plan = planAllocation(needsOf(row), locked, held, { imageSupportsSplit: true, withoutGpu: opts.withoutGpu });
        if (plan.ok) await repo.insertAllocations(tx, id, node.id, plan.rows);
        const fitsWithoutGpu =
          !plan.ok && row.gpuCount > 0 && !opts.withoutGpu && planAllocation(needsOf(row), locked, held, { imageSupportsSplit: true, withoutGpu: true }).ok;
        return { plan, fitsWithoutGpu };
      });
      if (!placed.plan.ok) {
        // The issue tells clients (the UI's "Start without GPU") that this way is open.
        const hint = ref("serverMessages.capacity.withoutGpuIssue");
        const issues = placed.fitsWithoutGpu ? [{ path: "withoutGpu", message: renderMessage("en-US", hint), key: hint.key }] : undefined;
        const key = placed.fitsWithoutGpu ? "serverMessages.capacity.noRoomWithoutGpu" : "serverMessages.capacity.noRoom";
        throw new AppError("NO_CAPACITY", ref(key, { node: node.name, name: row.name, missing: placed.plan.missing }), { issues });
      }
      try {
        const rt = runtimeOf(node);
        const containerId = await ensureWorkload(rt, (await repo.findInstance(id))!, node);
        const startedAt = await startVerified(rt, node, containerId);
        return {
          data: {
            status: "running",
            containerId,
            startedAt,
            meteredUntil: startedAt,
            stoppedAt: null,
            exitCode: null,
            statusMessage: null,
            statusRef: null,
            withoutGpu: opts.withoutGpu && row.gpuCount > 0,
          },
        };
      } catch (err) {
        // The engine may have started it before failing to answer: stop it before freeing its resources.
        await stopIt();
        await repo.releaseAllocations(id);
        throw engineError(err, node, "start the container");
      }
    },
    async () => {
      await stopIt();
      await repo.releaseAllocations(id);
    },
  );
  return toDto(updated);
}
