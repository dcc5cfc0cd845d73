import "server-only";
import type { Prisma } from "../db/client";
import { ref, renderMessage, statusFields } from "@/lib/i18n/message-ref";
import type { Runtime, WorkloadSummary } from "../adapters/runtime";
import { emit } from "../events";
import { logger } from "../logger";
import { allNodeRows, recordUnmanaged } from "../nodes/nodes.service";
import { findNode, type NodeRow } from "../nodes/nodes.repo";
import { runtimeOf, STOP_GRACE_SEC } from "./engine";
import { containerName, hostnameOf, LABELS, tenantNetwork, tenantNetworkName, volumeName } from "./workload";
import { CONSOLE_LABEL, consoleId, consoleLabels } from "./console-id";
import * as repo from "./instances.repo";
import { lease } from "./lease";

// Reconciliation: the database's idea of each instance against its node's Docker engine.
// Exited containers become `exited` (with the code), containers removed behind our back make
// their instance `failed`, instances of an unreachable node are `unknown` until it answers,
// creations whose process died end running or failed, and containers carrying our labels
// without a live instance are reported on their node, never removed.

export type Observation = { status: string; data: Prisma.InstanceUncheckedUpdateManyInput; release: boolean } | null;

/**
 * What a live instance becomes given its container (null: nothing to change). Pure.
 * stoppedAt is when it stopped running as far as is known (the meter charges up to it):
 * now for a running instance; for an unknown one whose container vanished, nothing more.
 * An exited container's own finish time replaces it when the engine tells (reconcileNode).
 */
export function decide(row: { status: string }, c: Pick<WorkloadSummary, "state" | "exitCode"> | null, now = new Date()): Observation {
  if (row.status !== "running" && row.status !== "unknown") return null;
  if (!c) {
    return {
      status: "failed",
      release: true,
      data: {
        status: "failed",
        ...statusFields(ref("serverMessages.instanceStatus.removedOutside")),
        stoppedAt: row.status === "running" ? now : null,
        containerId: null,
      },
    };
  }
  if (c.state === "exited" || c.state === "dead") {
    const code = c.exitCode;
    const key =
      code === null
        ? "serverMessages.instanceStatus.exited"
        : code === 137
          ? "serverMessages.instanceStatus.killed"
          : code === 143
            ? "serverMessages.instanceStatus.terminated"
            : "serverMessages.instanceStatus.exitedCode";
    return {
      status: "exited",
      release: true,
      data: { status: "exited", exitCode: code, ...statusFields(ref(key, code === null ? undefined : { code })), stoppedAt: now },
    };
  }
  if (row.status === "unknown" && c.state === "running")
    return { status: "running", release: false, data: { status: "running", statusMessage: null, statusRef: null } };
  return null;
}

const onOwnNetwork = (row: repo.InstanceRow, c: WorkloadSummary) => c.networks.length === 1 && c.networks[0] === tenantNetworkName(row.userId);

async function moveToOwnNetwork(rt: Runtime, row: repo.InstanceRow, c: WorkloadSummary): Promise<void> {
  const labels = await consoleLabels();
  await rt.ensureNetwork(tenantNetwork(row.userId, labels));
  await rt.moveToNetwork(c.id, { name: tenantNetworkName(row.userId), aliases: [hostnameOf(row.name)] });
  logger.info({ instanceId: row.id }, "instance moved onto its owner's network");
}

const REASONS = { failed: "container_removed", exited: "exited", unknown: "node_unreachable", running: "recovered" } as const;

async function apply(row: repo.InstanceRow, o: NonNullable<Observation>, now: Date): Promise<void> {
  if (!(await repo.applyObserved(row, o.data, now, { release: o.release }))) return;
  logger.info({ instanceId: row.id, from: row.status, to: o.status }, "instance reconciled");
  // A job run's workload is told about as the run (by the jobs' dispatcher).
  if (row.jobRunId) return;
  const status = o.status as keyof typeof REASONS;
  const message = typeof o.data.statusMessage === "string" ? o.data.statusMessage : null;
  emit("instance.status", { instanceId: row.id, userId: row.userId, name: row.name, status, reason: REASONS[status], message });
}

export async function reconcileNode(node: NodeRow, rows: repo.InstanceRow[], timeoutMs: number): Promise<void> {
  const now = new Date();
  const idle = rows.filter((r) => !r.leaseUntil || r.leaseUntil < now);
  let listed: WorkloadSummary[];
  const rt = runtimeOf(node, timeoutMs);
  try {
    listed = await rt.list({ [CONSOLE_LABEL]: await consoleId() });
  } catch (err) {
    const message = ref("serverMessages.instanceStatus.nodeUnreachable", { node: node.name, reason: err instanceof Error ? err.message : String(err) });
    for (const row of idle.filter((r) => r.status === "running")) {
      await apply(row, { status: "unknown", release: false, data: { status: "unknown", ...statusFields(message) } }, now);
    }
    return;
  }
  const byInstance = new Map(listed.map((c) => [c.labels[LABELS.instance] ?? "", c]));
  for (const row of idle) {
    const c = byInstance.get(row.id) ?? null;
    const o = decide(row, c, now);
    if (o?.status === "exited" && c) {
      // The engine knows when it stopped: the run is charged to that moment.
      const state = await rt.inspect(c.id).catch(() => null);
      if (state?.finishedAt) o.data.stoppedAt = new Date(state.finishedAt);
    }
    if (o) {
      await apply(row, o, now);
      continue;
    }
    if (c?.state === "running" && ["stopped", "exited", "failed"].includes(row.status)) {
      // Running although its instance is not (a start whose outcome was lost with the
      // connection, or a start behind the console's back): never left running unbilled.
      logger.warn({ instanceId: row.id, status: row.status, node: node.name }, "stopping a container that runs for an instance that does not");
      await rt.stop(c.id, STOP_GRACE_SEC).catch((err: unknown) => logger.warn({ err: String(err), instanceId: row.id }, "could not stop it"));
    } else if (c?.state === "running" && row.status === "running" && !onOwnNetwork(row, c)) {
      // Made before users had networks of their own: moved onto its owner's at once.
      await moveToOwnNetwork(rt, row, c).catch((err: unknown) =>
        logger.warn({ err: String(err), instanceId: row.id }, "could not move to its owner's network"),
      );
    }
    // A stopped, exited or failed instance holds nothing (an operation that died may have left rows).
    if (!["running", "unknown", "creating"].includes(row.status) && row.allocations.length > 0) {
      await repo.applyObserved(row, { statusMessage: row.statusMessage, statusRef: row.statusRef }, now, { release: true });
    }
  }
  const statuses = await repo.statusesOf([...byInstance.keys()]);
  const unmanaged: { containerId: string; name: string; state: string; instanceId: string | null }[] = [];
  for (const c of listed) {
    const instanceId = c.labels[LABELS.instance] ?? null;
    const status = instanceId ? statuses.get(instanceId) : undefined;
    if (status === "deleted") {
      // The user deleted it while the node could not be reached: finish the removal.
      await rt.remove(c.id);
      await rt.removeVolume(volumeName(instanceId!)).catch((err: unknown) => logger.warn({ err: String(err), instanceId }, "volume removal failed"));
      await repo.transition(instanceId!, ["deleted"], { statusMessage: null, statusRef: null });
      logger.info({ instanceId, node: node.name }, "removed the container of a deleted instance");
    } else if (!status) {
      unmanaged.push({ containerId: c.id, name: c.name, state: c.state, instanceId });
    }
  }
  await recordUnmanaged(node, unmanaged);
}

/** Creations whose process died (the claim lapsed): adopt a running container, else fail. */
export async function settleLapsedCreations(timeoutMs: number): Promise<void> {
  const now = new Date();
  const owner = lease();
  for (const row of await repo.lapsedCreations(now)) {
    if (!(await repo.claimLapsed(row.id, owner.id, owner.until(), now))) continue;
    const node = row.nodeId ? await findNode(row.nodeId) : null;
    let running: string | null = null;
    try {
      if (node) {
        const rt = runtimeOf(node, timeoutMs);
        const c = await rt.inspect(containerName(row.id));
        if (c?.running) running = c.id;
        else if (c) await rt.remove(c.id);
      }
    } catch (err) {
      // Unreachable: leave it claimed-and-lapsing; the next run tries again.
      logger.warn({ instanceId: row.id, err: String(err) }, "cannot settle an interrupted creation yet");
      await repo.renewLease(row.id, owner.id, now);
      continue;
    }
    // Guarded by status: a delete that came meanwhile stays deleted.
    if (running) {
      await repo.settle(
        row.id,
        owner.id,
        { status: "running", containerId: running, startedAt: now, meteredUntil: now, statusMessage: null, statusRef: null },
        { status: "creating" },
      );
    } else {
      const reason = ref("serverMessages.instanceStatus.interrupted");
      const message = renderMessage("en-US", reason);
      const failed = await repo.settle(row.id, owner.id, { status: "failed", ...statusFields(reason), stoppedAt: now }, { status: "creating", release: true });
      if (failed && !row.jobRunId)
        emit("instance.status", { instanceId: row.id, userId: row.userId, name: row.name, status: "failed", reason: "creation_failed", message });
    }
    logger.info({ instanceId: row.id, outcome: running ? "running" : "failed" }, "interrupted creation settled");
  }
}

const PARALLEL = 8;

export async function reconcileAll(signal: AbortSignal, timeoutMs: number): Promise<void> {
  await settleLapsedCreations(timeoutMs);
  const nodes = await allNodeRows();
  const rows = await repo.liveOnNodes(nodes.map((n) => n.id));
  for (let i = 0; i < nodes.length && !signal.aborted; i += PARALLEL) {
    await Promise.all(
      nodes.slice(i, i + PARALLEL).map((n) =>
        reconcileNode(
          n,
          rows.filter((r) => r.nodeId === n.id),
          timeoutMs,
        ).catch((err: unknown) => logger.error({ err, node: n.name }, "reconcile failed")),
      ),
    );
  }
}
