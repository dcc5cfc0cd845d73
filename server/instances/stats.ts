import "server-only";
import type { Runtime } from "../adapters/runtime";
import type { Principal } from "../auth/principal";
import { AppError, ref, stateWord } from "../http/errors";
import { findNode, type NodeRow } from "../nodes/nodes.repo";
import { engineError, nodeOf, runtimeOf } from "./engine";
import { loadOwned } from "./instances.service";
import * as repo from "./instances.repo";
import { readableContainer } from "./logs";
import { containerName } from "./workload";

// Stats of instances' containers: one sample for the API, the running container for live
// streams (terminals, /stats), and every running container for the history collector.

export async function instanceStats(p: Principal, id: string) {
  const { node, rt, state } = await readableContainer(p, id);
  if (!state.running) throw new AppError("INVALID_STATE", ref("serverMessages.instance.notRunning"));
  try {
    return await rt.stats(state.id);
  } catch (err) {
    throw engineError(err, node, "read the stats");
  }
}

/**
 * The running container of the caller's instance, with an engine for long-lived streams
 * (exec, stats). 404 for another user's instance.
 */
export async function runningWorkload(p: Principal, id: string): Promise<{ row: repo.InstanceRow; rt: Runtime; name: string }> {
  const row = await loadOwned(p, id);
  if (row.status !== "running") throw new AppError("INVALID_STATE", ref("serverMessages.instance.startFirst", { status: stateWord(row.status) }));
  return { row, rt: runtimeOf(await nodeOf(row)), name: containerName(id) };
}

export type RunningWorkload = { instanceId: string; nodeId: string; rt: Runtime; name: string; gpus: { index: number; memoryGb: number }[] };

/** Every running instance's container, with the GPUs it holds (for the stats collector). */
export async function runningWorkloads(): Promise<RunningWorkload[]> {
  const rows = await repo.listRunning();
  const nodes = new Map<string, NodeRow | null>();
  const out: RunningWorkload[] = [];
  for (const r of rows) {
    if (!r.nodeId) continue;
    if (!nodes.has(r.nodeId)) nodes.set(r.nodeId, await findNode(r.nodeId));
    const node = nodes.get(r.nodeId);
    if (!node) continue;
    const gpus = r.allocations.flatMap((a) => (a.gpuIndex === null ? [] : [{ index: a.gpuIndex, memoryGb: a.gpuMemoryGb }]));
    out.push({ instanceId: r.id, nodeId: r.nodeId, rt: runtimeOf(node, 30_000), name: containerName(r.id), gpus });
  }
  return out;
}

/** The GPUs each running instance on a node holds, for its live GPU readings. */
export function gpuHoldersOn(nodeId: string) {
  return repo.gpuHolders(nodeId);
}
