import "server-only";
import { renderMessage, statusFields } from "@/lib/i18n/message-ref";
import { RuntimeError, type Runtime, type WorkloadSpec } from "../adapters/runtime";
import { env } from "../env";
import { emit } from "../events";
import { AppError, ref } from "../http/errors";
import { recordPullOutcome } from "../images/image-readiness";
import { logger } from "../logger";
import { hamiCoreReady } from "../nodes/capacity";
import type { NodeRow } from "../nodes/nodes.repo";
import { consoleLabels } from "./console-id";
import { engineError, isUnreachable, nodeOf, runtimeOf } from "./engine";
import * as repo from "./instances.repo";
import type { lease } from "./lease";
import { type BatchWork, containerName, gpuLabel, instanceWorkload, LABELS, tenantNetwork, volumeName } from "./workload";

// An instance's container on its node: made (image, the owner's network, data volume,
// container) and started. Creation continues in the background after the launch's 202 and
// always ends running or failed with the reason. An instance is running (and metered) only
// from a container that really started: a start whose answer was lost is settled by asking
// the engine what happened.

/** The image on the node, pulled when absent; the pull's outcome is remembered (placement leaves out nodes where it failed). */
async function ensureImage(rt: Runtime, node: NodeRow, image: { id: string | null; address: string }): Promise<void> {
  if (await rt.imagePresent(image.address)) return;
  try {
    await rt.pullImage(image.address);
    if (image.id) await recordPullOutcome(image.id, node.id, true, null, image.address);
  } catch (err) {
    if (isUnreachable(err)) throw err;
    const why = err instanceof RuntimeError ? err.message : String(err);
    if (image.id) await recordPullOutcome(image.id, node.id, false, why, image.address);
    throw new AppError("ENGINE_ERROR", ref("serverMessages.instance.pullFailed", { image: image.address, node: node.name, reason: why }));
  }
}

/**
 * The instance's container as it should be for the GPUs it holds now: reused when it exists
 * with the same GPUs (and moved onto its owner's network if it was made before those), else
 * (re)created on the same data volume. Returns its id. Memory split follows what was
 * allocated (shares, not whole GPUs), so a node that lost HAMi-core gets plain whole GPUs,
 * never a broken preload.
 */
export async function ensureWorkload(rt: Runtime, row: repo.InstanceRow, node: NodeRow, batch?: BatchWork): Promise<string> {
  const held = row.allocations.filter((a) => a.gpuIndex !== null);
  const gpus = held.map((a) => ({ index: a.gpuIndex!, memoryGb: a.gpuMemoryGb }));
  // The library is bound into the container: only a path that passed the node's test (placement checks the same).
  if (held.some((a) => !a.exclusive) && !hamiCoreReady(node)) {
    throw new AppError("NO_CAPACITY", ref("serverMessages.instance.splitUnavailable", { node: node.name }));
  }
  const labels = await consoleLabels();
  const spec = instanceWorkload({
    instance: { ...row, memorySplit: held.some((a) => !a.exclusive) },
    node,
    gpus,
    pidsLimit: env().INSTANCE_PIDS_LIMIT,
    consoleLabels: labels,
    batch,
  });
  await rt.ensureNetwork(tenantNetwork(row.userId, labels));
  const existing = await rt.inspect(spec.name);
  if (existing && existing.labels[LABELS.gpus] === gpuLabel(gpus)) {
    if (existing.networks.length !== 1 || existing.networks[0] !== spec.network.name) await rt.moveToNetwork(existing.id, spec.network);
    return existing.id;
  }
  if (existing) await rt.remove(existing.id);
  await ensureImage(rt, node, { id: row.imageId, address: row.imageAddress });
  if (!batch) await rt.createVolume(volumeName(row.id), { ...labels, [LABELS.instance]: row.id, [LABELS.user]: row.userId });
  const id = await createOnce(rt, row, spec, labels);
  if (batch?.files) await rt.putFiles(id, batch.files.dir, batch.files.files);
  return id;
}

async function createOnce(rt: Runtime, row: repo.InstanceRow, spec: WorkloadSpec, labels: Record<string, string>): Promise<string> {
  try {
    return await rt.create(spec);
  } catch (err) {
    // The connection broke: the engine may have made it all the same.
    const made = isUnreachable(err) ? await rt.inspect(spec.name).catch(() => null) : null;
    if (made) return made.id;
    // The owner's last other instance there was deleted meanwhile, and its network with it.
    if (err instanceof RuntimeError && err.kind === "refused" && /network .*not found/i.test(err.message)) {
      await rt.ensureNetwork(tenantNetwork(row.userId, labels));
      return rt.create(spec);
    }
    throw err;
  }
}

/**
 * Starts the container and answers when it really started, from the engine's own record: a
 * start whose answer was lost (the connection broke) counts if the engine shows a new run.
 * The time is the container's start, kept between the request and now (the node's clock may
 * drift). A container that started and exited at once counts as started: the reconciler
 * records its exit.
 */
export async function startVerified(rt: Runtime, node: NodeRow, containerId: string): Promise<Date> {
  const requested = Date.now();
  const before = await rt.inspect(containerId).catch((err: unknown) => {
    throw engineError(err, node, "start the container");
  });
  if (!before) throw new AppError("ENGINE_ERROR", ref("serverMessages.instance.containerGone", { node: node.name }));
  let startError: unknown = null;
  try {
    await rt.start(containerId);
  } catch (err) {
    startError = err;
  }
  const after = await rt.inspect(containerId).catch((err: unknown) => {
    throw engineError(startError ?? err, node, "start the container");
  });
  // A new run has a start time of its own (a running container that was started already counts too).
  const ran = after?.startedAt && (after.running || after.startedAt !== before.startedAt);
  if (!ran) {
    if (startError) throw engineError(startError, node, "start the container");
    throw new AppError(
      "ENGINE_ERROR",
      after?.error
        ? ref("serverMessages.instance.didNotStartWhy", { node: node.name, reason: after.error })
        : ref("serverMessages.instance.didNotStart", { node: node.name }),
    );
  }
  if (startError) logger.warn({ node: node.name, containerId, err: String(startError) }, "the start's answer was lost, but the container started");
  const startedAt = Date.parse(after.startedAt!);
  return new Date(Math.min(Date.now(), Math.max(requested, Number.isNaN(startedAt) ? requested : startedAt)));
}

/**
 * Background creation after the 202: image, network, volume, container, start. Ends running,
 * or failed with the reason and its allocation freed. A delete during creation wins: what
 * was made is removed.
 */
export async function provision(id: string, owner: ReturnType<typeof lease>, batch?: BatchWork): Promise<void> {
  const renew = owner.keepAlive(id);
  let node: NodeRow | null = null;
  let row: repo.InstanceRow | null = null;
  try {
    row = (await repo.findInstance(id))!;
    node = await nodeOf(row);
    const rt = runtimeOf(node);
    const containerId = await ensureWorkload(rt, row, node, batch);
    const startedAt = await startVerified(rt, node, containerId);
    // Metering starts with the container.
    const done = await repo.settle(
      id,
      owner.id,
      { status: "running", containerId, startedAt, meteredUntil: startedAt, statusMessage: null, statusRef: null },
      { status: "creating" },
    );
    if (!done) await cleanUp(rt, id);
  } catch (err) {
    const e = node ? engineError(err, node, "create the container") : err;
    const reasonRef = e instanceof AppError ? e.reason : ref("serverMessages.instanceStatus.createFailed");
    const reason = typeof reasonRef === "string" ? reasonRef : renderMessage("en-US", reasonRef);
    logger.warn({ instanceId: id, reason, err: e instanceof AppError ? undefined : err }, "instance creation failed");
    const failed = await repo
      .settle(id, owner.id, { status: "failed", ...statusFields(reasonRef), stoppedAt: new Date(), containerId: null }, { status: "creating", release: true })
      .catch((dbErr: unknown) => {
        // Unknown: the reconciler settles the lapsed creation later (and stops a container that runs).
        logger.error({ err: dbErr, instanceId: id }, "could not record a failed creation");
        return null;
      });
    if (failed && row && !row.jobRunId)
      emit("instance.status", { instanceId: id, userId: row.userId, name: row.name, status: "failed", reason: "creation_failed", message: reason });
    // Failed: the volume stays until the instance is deleted. Deleted meanwhile: all goes.
    if (node) await cleanUp(runtimeOf(node), id, { keepVolume: failed !== false }).catch(() => undefined);
  } finally {
    renew.stop();
  }
}

/** Removes what creation made for an instance that is gone or failed. */
export async function cleanUp(rt: Runtime, id: string, opts: { keepVolume?: boolean } = {}): Promise<void> {
  await rt.remove(containerName(id));
  if (!opts.keepVolume) await rt.removeVolume(volumeName(id));
}
