import "server-only";
import type Docker from "dockerode";
import type { Readable } from "node:stream";
import { DATA_MOUNT_PATH, type TCreateInstanceRequest, type TInstanceStatus, type TLogsQuery, type TUpdateInstanceRequest } from "@/lib/contracts/instances";
import { audit } from "../audit/audit.service";
import { assertCanAfford, balanceUsedUp, costsOf, recordStopForBalance } from "../billing/billing.service";
import { settleInstance } from "../billing/meter";
import { isAdmin } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { describeDockerError, dockerClient, ENGINE_WORDS, imagePresence, pullImage } from "../adapters/docker";
import * as containers from "../adapters/containers";
import { env } from "../env";
import { AppError, notFound } from "../http/errors";
import { findImage } from "../images/images.repo";
import { logger } from "../logger";
import type { SpecNeeds } from "../nodes/capacity";
import { allNodes, findNode, heldByNode, type NodeRow } from "../nodes/nodes.repo";
import { dockerTargetOf } from "../nodes/nodes.service";
import { findSpec } from "../specs/specs.repo";
import { buildContainerSpec, containerName, gpuLabel, LABELS, volumeName } from "./container-spec";
import { consoleLabels } from "./console-id";
import * as repo from "./instances.repo";
import { compareScores, placementScore, planAllocation } from "./placement";
import { lease, withLease } from "./lease";

// Instances: placement with atomic allocations, the container's life on its node (create,
// start, stop, restart, delete), logs and stats. Every change runs under the instance's
// lease (one operation at a time, across console processes); creation continues in the
// background after the 202 and always ends running or failed.

/** Docker calls that may take long (create, start, stop with its grace period). */
const ENGINE_TIMEOUT_MS = 120_000;
const STOP_GRACE_SEC = 10;

type Row = repo.InstanceRow;

export function toDto(row: Row) {
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

const needsOf = (row: Pick<Row, "gpuModel" | "gpuCount" | "gpuMemoryGb" | "memorySplit" | "cpuCores" | "memoryGb">): SpecNeeds => ({
  gpuModel: row.gpuModel,
  gpuCount: row.gpuCount,
  gpuMemoryGb: row.gpuMemoryGb,
  supportMemorySplit: row.memorySplit,
  cpuCores: row.cpuCores,
  memoryGb: row.memoryGb,
});

// --- Reading ------------------------------------------------------------------------------

/** The caller's instance (admins: any). Another user's answers 404, as a missing one does. */
async function loadOwned(p: Principal, id: string, opts: { deleted?: boolean } = {}): Promise<Row> {
  const row = await repo.findInstance(id);
  if (!row || (row.userId !== p.userId && !isAdmin(p)) || (row.status === "deleted" && !opts.deleted)) throw notFound("Instance");
  return row;
}

export async function listInstances(p: Principal, q: repo.InstanceListQuery) {
  const { items, total } = await repo.listInstances(isAdmin(p) ? q : { ...q, userId: p.userId });
  const costs = await costsOf(items.map((r) => r.id));
  return { items: items.map((r) => ({ ...toDto(r), ...costs.get(r.id) })), total };
}

export async function getInstance(p: Principal, id: string) {
  const row = await loadOwned(p, id);
  return { ...toDto(row), ...(await costsOf([id])).get(id) };
}

export async function updateInstance(p: Principal, id: string, input: TUpdateInstanceRequest) {
  await loadOwned(p, id);
  return toDto(await repo.updateInstance(id, input));
}

// --- Launch -------------------------------------------------------------------------------

function noCapacity(specName: string, reasons: { node: string; missing: string[] }[]): AppError {
  if (!reasons.length) return new AppError("NO_CAPACITY", `No online node can host "${specName}" now`);
  const why = reasons
    .slice(0, 3)
    .map((r) => `${r.node} needs ${r.missing.join(", ")}`)
    .join("; ");
  return new AppError("NO_CAPACITY", `No capacity for "${specName}" now: ${why}`);
}

export async function createInstance(p: Principal, input: TCreateInstanceRequest, ip: string) {
  const [image, spec] = await Promise.all([findImage(input.imageId), findSpec(input.specId)]);
  if (!image || (!image.isListed && !isAdmin(p))) throw notFound("Image");
  if (!spec || (!spec.isListed && !isAdmin(p))) throw notFound("Spec");
  await assertCanAfford(p.userId, spec.pricePerHourCents);

  let candidates: NodeRow[];
  if (input.nodeId) {
    const node = await findNode(input.nodeId);
    if (!node || (!node.isListed && !isAdmin(p))) throw notFound("Node");
    if (node.status !== "online") throw new AppError("NO_CAPACITY", `Node ${node.name} is ${node.status}; pick another node or let the console choose`);
    candidates = [node];
  } else {
    candidates = await allNodes({ status: "online", isListed: true });
  }
  // Best first, from a snapshot; each try re-checks under the node's lock.
  const held = await heldByNode(candidates.map((n) => n.id));
  const ranked = candidates
    .map((node) => ({ node, score: placementScore(spec, node, held.get(node.id) ?? []) }))
    .sort((a, b) => compareScores(a.score, b.score))
    .map((c) => c.node);

  const owner = lease();
  const data: repo.InstanceData = {
    name: input.name,
    remark: input.remark ?? null,
    userId: p.userId,
    imageId: image.id,
    specId: spec.id,
    imageName: image.name,
    imageAddress: image.address,
    specName: spec.name,
    gpuModel: spec.gpuModel,
    gpuCount: spec.gpuCount,
    gpuMemoryGb: spec.gpuMemoryGb,
    cpuCores: spec.cpuCores,
    memoryGb: spec.memoryGb,
    systemDiskGb: spec.systemDiskGb,
    dataDiskGb: spec.dataDiskGb,
    pricePerHourCents: spec.pricePerHourCents,
    volumeName: "",
    leaseOwner: owner.id,
    leaseUntil: owner.until(),
  };
  const reasons: { node: string; missing: string[] }[] = [];
  for (const candidate of ranked) {
    const placed = await repo.withNodeLock(candidate.id, async (tx, { node, held: nodeHeld }) => {
      if (node.status !== "online") return { ok: false as const, missing: [`to be online (it is ${node.status})`] };
      const plan = planAllocation(spec, node, nodeHeld, { imageSupportsSplit: image.supportMemorySplit });
      if (!plan.ok) return plan;
      const id = await repo.insertInstance(tx, { ...data, nodeId: node.id, memorySplit: plan.memorySplit }, plan.rows);
      await tx.instance.update({ where: { id }, data: { volumeName: volumeName(id) }, select: { id: true } });
      return { ok: true as const, id };
    });
    if (placed.ok) {
      void provision(placed.id, owner);
      await audit({
        actorId: p.userId,
        action: "instance.create",
        target: { type: "instance", id: placed.id },
        detail: { name: input.name, node: candidate.name, spec: spec.name },
        ip,
      });
      return toDto((await repo.findInstance(placed.id))!);
    }
    reasons.push({ node: candidate.name, missing: placed.missing });
  }
  throw noCapacity(spec.name, reasons);
}

// --- The container on its node --------------------------------------------------------------

async function nodeOf(row: Row): Promise<NodeRow> {
  const node = row.nodeId ? await findNode(row.nodeId) : null;
  if (!node) throw new AppError("INVALID_STATE", "The node of this instance was removed");
  return node;
}

const engine = (node: NodeRow, timeoutMs = ENGINE_TIMEOUT_MS) => dockerClient(dockerTargetOf(node), timeoutMs);

/** Errors of the transport (socket, TLS, DNS, timeout), as opposed to Docker's answers and our own bugs. */
function isTransportError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return (
    (typeof e?.code === "string" && /^(E[A-Z_]+|ERR_TLS\w*|ERR_SSL\w*|UNABLE_TO\w*|DEPTH_ZERO\w*|SELF_SIGNED\w*|CERT_\w*)$/.test(e.code)) ||
    /timeout|socket hang up/i.test(String(e?.message ?? ""))
  );
}

/** An engine failure as an AppError: Docker's refusals and unreachable nodes; anything else is a bug and stays a 500. */
function engineError(err: unknown, node: NodeRow, doing: string): unknown {
  if (err instanceof AppError) return err;
  if ((err as { statusCode?: number }).statusCode)
    return new AppError("ENGINE_ERROR", `Could not ${doing} on node ${node.name}: ${containers.dockerMessage(err)}`);
  if (isTransportError(err))
    return new AppError("NODE_UNREACHABLE", `Could not ${doing} on node ${node.name}: ${describeDockerError(err, node, ENGINE_WORDS)}`);
  return err;
}

async function ensureImage(d: Docker, node: NodeRow, address: string): Promise<void> {
  if ((await imagePresence(d, address)).present) return;
  try {
    await pullImage(d, address, () => undefined);
  } catch (err) {
    throw new AppError("ENGINE_ERROR", `Image ${address} is not on node ${node.name} and pulling it failed: ${containers.dockerMessage(err)}`);
  }
}

/**
 * The instance's container as it should be for the GPUs it holds now: reused when it exists
 * with the same GPUs, else (re)created on the same data volume. Returns its id. Memory split
 * follows what was allocated (shares, not whole GPUs), so a node that lost HAMi-core gets
 * plain whole GPUs, never a broken preload.
 */
async function ensureContainer(d: Docker, row: Row, node: NodeRow): Promise<string> {
  const held = row.allocations.filter((a) => a.gpuIndex !== null);
  const gpus = held.map((a) => ({ index: a.gpuIndex!, memoryGb: a.gpuMemoryGb }));
  const existing = await containers.inspectContainer(d, containerName(row.id));
  if (existing && existing.labels[LABELS.gpus] === gpuLabel(gpus)) return existing.id;
  if (existing) await containers.removeContainer(d, existing.id);
  await ensureImage(d, node, row.imageAddress);
  const labels = { ...(await consoleLabels()), [LABELS.instance]: row.id, [LABELS.user]: row.userId };
  await containers.createVolume(d, row.volumeName, labels);
  const instance = { ...row, memorySplit: held.some((a) => !a.exclusive) };
  const spec = buildContainerSpec({ instance, node, gpus, pidsLimit: env().INSTANCE_PIDS_LIMIT });
  spec.Labels = { ...spec.Labels, ...labels };
  return containers.createContainer(d, spec);
}

/**
 * Background creation after the 202: image, volume, container, start. Ends running, or
 * failed with the reason and its allocation freed. A delete during creation wins: what was
 * made is removed.
 */
export async function provision(id: string, owner: ReturnType<typeof lease>): Promise<void> {
  const renew = owner.keepAlive(id);
  let node: NodeRow | null = null;
  try {
    const row = (await repo.findInstance(id))!;
    node = await nodeOf(row);
    const d = engine(node);
    const containerId = await ensureContainer(d, row, node);
    await containers.startContainer(d, containerId);
    const startedAt = new Date();
    // Metering starts with the container.
    const done = await repo.settle(
      id,
      owner.id,
      { status: "running", containerId, startedAt, meteredUntil: startedAt, statusMessage: null },
      { status: "creating" },
    );
    if (!done) await cleanUp(d, id);
  } catch (err) {
    const e = node ? engineError(err, node, "create the container") : err;
    const reason = e instanceof AppError ? e.message : "Internal error while creating the container";
    logger.warn({ instanceId: id, reason, err: e instanceof AppError ? undefined : err }, "instance creation failed");
    const failed = await repo
      .settle(id, owner.id, { status: "failed", statusMessage: reason, stoppedAt: new Date() }, { status: "creating", release: true })
      .catch((dbErr: unknown) => {
        logger.error({ err: dbErr, instanceId: id }, "could not record a failed creation");
        return true;
      });
    // Failed: the volume stays until the instance is deleted. Deleted meanwhile: all goes.
    if (node) await cleanUp(engine(node), id, { keepVolume: failed }).catch(() => undefined);
  } finally {
    renew.stop();
  }
}

/** Removes what creation made for an instance that is gone or failed. */
async function cleanUp(d: Docker, id: string, opts: { keepVolume?: boolean } = {}): Promise<void> {
  await containers.removeContainer(d, containerName(id));
  if (!opts.keepVolume) await containers.removeVolume(d, volumeName(id));
}

// --- Lifecycle ----------------------------------------------------------------------------

const STARTABLE = ["stopped", "exited", "failed"] as const;

export async function startInstance(p: Principal, id: string, opts: { withoutGpu: boolean }, ip: string) {
  const row = await loadOwned(p, id);
  if (row.status === "running") return toDto(row);
  // The previous run is charged to its end first (or the start fails); then the owner must afford it.
  await settleInstance(id, { strict: true });
  await assertCanAfford(row.userId, row.pricePerHourCents);
  const node = await nodeOf(row);
  const stopIt = () => containers.stopContainer(engine(node), containerName(id), STOP_GRACE_SEC).catch(() => undefined);
  const updated = await withLease(
    row,
    STARTABLE,
    async () => {
      if (node.status === "offline") throw new AppError("NODE_UNREACHABLE", `Node ${node.name} is offline`);
      await repo.releaseAllocations(id);
      const placed = await repo.withNodeLock(node.id, async (tx, { node: locked, held }) => {
        const plan = planAllocation(needsOf(row), locked, held, { imageSupportsSplit: true, withoutGpu: opts.withoutGpu });
        if (plan.ok) await repo.insertAllocations(tx, id, node.id, plan.rows);
        const fitsWithoutGpu =
          !plan.ok && row.gpuCount > 0 && !opts.withoutGpu && planAllocation(needsOf(row), locked, held, { imageSupportsSplit: true, withoutGpu: true }).ok;
        return { plan, fitsWithoutGpu };
      });
      if (!placed.plan.ok) {
        const hint = placed.fitsWithoutGpu ? ' It can start without GPU, keeping its data: POST .../start {"withoutGpu": true}.' : "";
        // The issue tells clients (the UI's "Start without GPU") that this way is open.
        const issues = placed.fitsWithoutGpu ? [{ path: "withoutGpu", message: "true starts it without GPUs; its data volume is kept" }] : undefined;
        throw new AppError("NO_CAPACITY", `Node ${node.name} has no room to start "${row.name}" now: needs ${placed.plan.missing.join(", ")}.${hint}`, {
          issues,
        });
      }
      try {
        const d = engine(node);
        const containerId = await ensureContainer(d, (await repo.findInstance(id))!, node);
        await containers.startContainer(d, containerId);
        const startedAt = new Date();
        return {
          data: {
            status: "running",
            containerId,
            startedAt,
            meteredUntil: startedAt,
            stoppedAt: null,
            exitCode: null,
            statusMessage: null,
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
  await audit({ actorId: p.userId, action: "instance.start", target: { type: "instance", id }, detail: { withoutGpu: opts.withoutGpu }, ip });
  return toDto(updated);
}

export async function stopInstance(p: Principal, id: string, ip: string) {
  const row = await loadOwned(p, id);
  if (row.status === "stopped" || row.status === "exited") return toDto(row);
  const updated = await stopRow(row, null);
  await audit({ actorId: p.userId, action: "instance.stop", target: { type: "instance", id }, ip });
  return toDto(updated);
}

/** Stops a running instance's container (data kept), records why, and charges its run to the stop. */
async function stopRow(row: Row, message: string | null) {
  const updated = await withLease(row, ["running"], async () => {
    const node = await nodeOf(row);
    try {
      await containers.stopContainer(engine(node), containerName(row.id), STOP_GRACE_SEC);
    } catch (err) {
      throw engineError(err, node, "stop the container");
    }
    return { data: { status: "stopped", stoppedAt: new Date(), statusMessage: message }, release: true };
  });
  await settleInstance(row.id);
  return updated;
}

/**
 * The balance ran out: the user's running instances are stopped (never deleted; their data
 * is kept), each with the reason and a ledger line saying so.
 */
export async function stopForBalance(userId: string): Promise<string[]> {
  const stopped: string[] = [];
  for (const row of await repo.runningOf(userId)) {
    // A top-up may have come since the meter saw zero.
    if (!(await balanceUsedUp(userId))) break;
    try {
      const updated = await stopRow(row, "Stopped because the balance ran out; top up, then start it again (its data is kept)");
      await recordStopForBalance(updated);
      stopped.push(row.id);
      logger.info({ instanceId: row.id, userId }, "instance stopped: balance used up");
    } catch (err) {
      logger.warn({ instanceId: row.id, err: String(err) }, "could not stop an instance whose balance ran out");
    }
  }
  return stopped;
}

export async function restartInstance(p: Principal, id: string, ip: string) {
  const row = await loadOwned(p, id);
  if (row.status !== "running") return startInstance(p, id, { withoutGpu: row.withoutGpu }, ip);
  const updated = await withLease(row, ["running"], async () => {
    const node = await nodeOf(row);
    try {
      await containers.restartContainer(engine(node), containerName(id), STOP_GRACE_SEC);
    } catch (err) {
      throw engineError(err, node, "restart the container");
    }
    return { data: { status: "running", startedAt: new Date(), statusMessage: null } };
  });
  await audit({ actorId: p.userId, action: "instance.restart", target: { type: "instance", id }, ip });
  return toDto(updated);
}

/**
 * Deletes the instance: its allocation is freed at once and its container and data volume
 * removed. When the node cannot be reached (or Docker refuses), the row is deleted anyway and
 * the reconciler removes the container and volume once the node answers. Idempotent.
 */
export async function deleteInstance(p: Principal, id: string, ip: string): Promise<void> {
  const row = await loadOwned(p, id, { deleted: true });
  if (row.status === "deleted") return;
  // Unseen since its node stopped answering: no running time after that is charged.
  const unseen = row.status === "unknown" || (row.status === "failed" && !row.stoppedAt) ? { stoppedAt: row.meteredUntil } : {};
  const gone = { status: "deleted", deletedAt: new Date(), containerId: null, statusMessage: null, leaseOwner: null, leaseUntil: null, ...unseen };
  const node = row.nodeId ? await findNode(row.nodeId) : null;
  const removeNow = async () => {
    if (!node) return;
    try {
      await cleanUp(engine(node), id);
    } catch (err) {
      logger.warn(
        { instanceId: id, node: node.name, err: String(engineError(err, node, "remove the container")) },
        "container removal deferred to the reconciler",
      );
      await repo.transition(id, ["deleted"], { statusMessage: "Container removal pending: the node did not answer" });
    }
  };
  // Cancels a creation: its worker (if alive) sees the row gone and removes what it made.
  // If the creation finished meanwhile, the instance is deleted like any other.
  if (row.status === "creating" && (await repo.transition(id, ["creating"], gone, { release: true }))) {
    await removeNow();
  } else {
    await withLease(row, ["running", "stopped", "exited", "failed", "unknown"], async () => ({ data: gone, release: true }));
    await settleInstance(id);
    await removeNow();
  }
  await audit({ actorId: p.userId, action: "instance.delete", target: { type: "instance", id }, detail: { name: row.name }, ip });
}

// --- Logs and stats -----------------------------------------------------------------------

async function containerOf(p: Principal, id: string) {
  const row = await loadOwned(p, id);
  if (row.status === "creating") throw new AppError("INVALID_STATE", "The instance is still being created");
  if (row.status === "unknown") throw new AppError("NODE_UNREACHABLE", "The instance's node does not answer");
  const node = await nodeOf(row);
  const d = engine(node, 30_000);
  try {
    const state = await containers.inspectContainer(d, containerName(id));
    if (!state) throw new AppError("INVALID_STATE", "The instance has no container (it was removed); start it to create a new one");
    return { row, node, d, state };
  } catch (err) {
    throw engineError(err, node, "read the container");
  }
}

/**
 * The running container of the caller's instance, with a Docker client without request
 * timeout (long-lived exec and stats streams). 404 for another user's instance.
 */
export async function runningContainer(p: Principal, id: string): Promise<{ row: Row; d: Docker; containerId: string }> {
  const row = await loadOwned(p, id);
  if (row.status !== "running") throw new AppError("INVALID_STATE", `The instance is ${row.status}; start it first`);
  const node = await nodeOf(row);
  return { row, d: engine(node, 0), containerId: containerName(id) };
}

export type RunningContainer = { instanceId: string; nodeId: string; d: Docker; containerId: string; gpus: { index: number; memoryGb: number }[] };

/** Every running instance's container, with the GPUs it holds (for the stats collector). */
export async function runningContainers(): Promise<RunningContainer[]> {
  const rows = await repo.listRunning();
  const nodes = new Map<string, NodeRow | null>();
  const out: RunningContainer[] = [];
  for (const r of rows) {
    if (!r.nodeId) continue;
    if (!nodes.has(r.nodeId)) nodes.set(r.nodeId, await findNode(r.nodeId));
    const node = nodes.get(r.nodeId);
    if (!node) continue;
    const gpus = r.allocations.flatMap((a) => (a.gpuIndex === null ? [] : [{ index: a.gpuIndex, memoryGb: a.gpuMemoryGb }]));
    out.push({ instanceId: r.id, nodeId: r.nodeId, d: engine(node, 30_000), containerId: containerName(r.id), gpus });
  }
  return out;
}

function sinceSeconds(since: string | undefined): number {
  if (!since) return 0;
  return /^\d+$/.test(since) ? Number(since) : Math.floor(Date.parse(since) / 1000);
}

export async function instanceLogs(p: Principal, id: string, q: TLogsQuery) {
  const { node, d, state } = await containerOf(p, id);
  try {
    const lines = await containers.containerLogs(d, state.id, state.tty, { tail: q.tail, since: sinceSeconds(q.since), timestamps: q.timestamps ?? false });
    return { lines };
  } catch (err) {
    throw engineError(err, node, "read the logs");
  }
}

export async function instanceLogDownload(p: Principal, id: string, timestamps: boolean): Promise<{ name: string; stream: Readable }> {
  const { row, node, d, state } = await containerOf(p, id);
  try {
    return { name: row.name, stream: await containers.containerLogStream(d, state.id, state.tty, timestamps) };
  } catch (err) {
    throw engineError(err, node, "read the logs");
  }
}

export async function instanceStats(p: Principal, id: string) {
  const { node, d, state } = await containerOf(p, id);
  if (!state.running) throw new AppError("INVALID_STATE", "The instance is not running");
  try {
    return await containers.containerStats(d, state.id);
  } catch (err) {
    throw engineError(err, node, "read the stats");
  }
}
