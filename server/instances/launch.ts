import "server-only";
import type { TCreateInstanceRequest } from "@/lib/contracts/instances";
import type { Tx } from "../db/client";
import { appsForImage } from "../apps/apps";
import { audited, auditNote } from "../audit/audit.service";
import { isAdmin } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { assertCanAfford } from "../billing/billing.service";
import { AppError, type MessageRef, notFound, ref, stateWord } from "../http/errors";
import { joined } from "@/lib/i18n/message-ref";
import { imageReadiness, readinessRank } from "../images/image-readiness";
import { findImage, type ImageRow } from "../images/images.repo";
import { allNodes, findNode, heldByNode, type NodeRow } from "../nodes/nodes.repo";
import { assertNotInMaintenance, getSettings } from "../settings/settings.service";
import { findSpec, type SpecRow } from "../specs/specs.repo";
import { toDto } from "./instance-dto";
import * as repo from "./instances.repo";
import { lease } from "./lease";
import { compareScores, placementScore, planAllocation } from "./placement";
import { provision } from "./provision";
import { volumeName } from "./workload";

// Launch: the instance is placed at once, under the node's row lock (what is allocated there
// is read and the instance inserted with its allocation rows, so concurrent launches never
// double-book) and under its owner's row lock (the balance must carry everything the owner
// then runs). It answers 202 `creating`; provision makes and starts the container.

function noCapacity(specName: string, reasons: { node: string; missing: MessageRef[] }[]): AppError {
  if (!reasons.length) return new AppError("NO_CAPACITY", ref("serverMessages.capacity.noNode", { spec: specName }));
  const why = reasons.slice(0, 3).map((r) => ref("serverMessages.capacity.nodeNeeds", { node: r.node, missing: r.missing }));
  return new AppError("NO_CAPACITY", ref("serverMessages.capacity.none", { spec: specName, reasons: joined(why, "clauses") }));
}

export async function createInstance(p: Principal, input: TCreateInstanceRequest) {
  await assertNotInMaintenance(p);
  const [image, spec, settings] = await Promise.all([findImage(input.imageId), findSpec(input.specId), getSettings()]);
  if (!image || (!image.isListed && !isAdmin(p))) throw notFound("Image");
  if (!spec || (!spec.isListed && !isAdmin(p))) throw notFound("Spec");

  let candidates: NodeRow[];
  if (input.nodeId) {
    const node = await findNode(input.nodeId);
    if (!node || (!node.isListed && !isAdmin(p))) throw notFound("Node");
    if (node.status !== "online")
      throw new AppError("NO_CAPACITY", ref("serverMessages.capacity.nodeNotOnline", { node: node.name, status: stateWord(node.status) }));
    candidates = [node];
  } else {
    candidates = await allNodes({ status: "online", isListed: true });
  }
  const owner = lease();
  const data: repo.InstanceData = {
    name: input.name,
    remark: input.remark ?? null,
    userId: p.userId,
    ...workloadFrom(image, spec, owner),
  };
  const placed = await placeWorkload({
    admin: isAdmin(p),
    image,
    spec,
    candidates,
    data,
    // Administrators are not limited; a user's count is taken under their row's lock.
    admit: isAdmin(p)
      ? undefined
      : async (tx) => {
          const max = settings.maxInstancesPerUser;
          const have = await repo.lockedInstanceCount(tx, p.userId);
          if (have >= max) throw new AppError("LIMIT_REACHED", ref("serverMessages.limits.instances", { count: have, max }));
          return null;
        },
    // The instance's row and its event commit together, under the node's lock.
    placed: (id, node) =>
      audited(async () => auditNote({ target: { type: "instance", id, name: input.name }, detail: { node: node.name, spec: spec.name, image: image.name } })),
  });
  void provision(placed.id, owner);
  return toDto((await repo.findInstance(placed.id))!);
}

/** What a workload (an instance, or a job run's) takes from its image and spec when it is placed: they may change later. */
export function workloadFrom(image: ImageRow, spec: SpecRow, owner: ReturnType<typeof lease>) {
  return {
    imageId: image.id,
    specId: spec.id,
    imageName: image.name,
    imageAddress: image.address,
    apps: JSON.stringify(appsForImage(image)),
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
}

/**
 * Places a workload (an instance, or a job run's) on the best of `candidates`: nodes that
 * cannot run the image are left out, those that have it come first, then the best packing;
 * each try re-checks under the node's lock and inserts the row with its allocations there
 * (the owner's balance must carry it). Throws NO_CAPACITY with the reasons when none fits.
 */
export async function placeWorkload(w: {
  admin: boolean;
  image: ImageRow;
  spec: SpecRow;
  candidates: NodeRow[];
  data: repo.InstanceData;
  /** A further rule checked under the node's lock (a node's job limit): what is missing, or null. */
  admit?: (tx: Tx, node: NodeRow) => Promise<MessageRef | null>;
  /** Called in the placing transaction once the row is in (the audit event of a launch). */
  placed?: (id: string, node: NodeRow) => Promise<void>;
}): Promise<{ id: string; node: NodeRow }> {
  const { image, spec, candidates, data } = w;
  // Nodes that cannot run the image (absent, and its pull failed there) are left out, with
  // the reason; nodes that have it come before those that would pull it.
  const [held, readiness] = await Promise.all([heldByNode(candidates.map((n) => n.id)), imageReadiness(image, candidates)]);
  const unready = candidates.flatMap((n) => {
    const r = readiness.get(n.id);
    // Administrators get the engine's words; users the node's name only (as the wizard shows it).
    const why = w.admin
      ? ref("serverMessages.text", { text: r?.reason ?? `cannot run ${image.address}` })
      : ref("serverMessages.capacity.imageUnusable", { node: n.name });
    return r && !r.ready ? [{ node: n.name, why }] : [];
  });
  if (unready.length === candidates.length && unready.length > 0) {
    throw new AppError(
      "NO_CAPACITY",
      ref("serverMessages.capacity.noImage", {
        image: image.name,
        reasons: joined(
          unready.map((u) => u.why),
          "clauses",
        ),
      }),
    );
  }
  // Best first, from a snapshot; each try re-checks under the node's lock.
  const ranked = candidates
    .filter((node) => readiness.get(node.id)?.ready !== false)
    .map((node) => ({ node, rank: readinessRank(readiness.get(node.id)), score: placementScore(spec, node, held.get(node.id) ?? []) }))
    .sort((a, b) => a.rank - b.rank || compareScores(a.score, b.score))
    .map((c) => c.node);

  const reasons: { node: string; missing: MessageRef[] }[] = [];
  for (const candidate of ranked) {
    const placed = await repo.withNodeLock(candidate.id, async (tx, { node, held: nodeHeld }) => {
      await assertCanAfford(tx, data.userId, spec.pricePerHourCents);
      if (node.status !== "online") return { ok: false as const, missing: [ref("serverMessages.missing.online", { status: stateWord(node.status) })] };
      const refused = w.admit ? await w.admit(tx, node) : null;
      if (refused) return { ok: false as const, missing: [refused] };
      const plan = planAllocation(spec, node, nodeHeld, { imageSupportsSplit: image.supportMemorySplit });
      if (!plan.ok) return plan;
      const id = await repo.insertInstance(tx, { ...data, nodeId: node.id, memorySplit: plan.memorySplit }, plan.rows, volumeName);
      await w.placed?.(id, node);
      return { ok: true as const, id };
    });
    if (placed.ok) return { id: placed.id, node: candidate };
    reasons.push({ node: candidate.name, missing: placed.missing });
  }
  throw noCapacity(spec.name, reasons);
}
