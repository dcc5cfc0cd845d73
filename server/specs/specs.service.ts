import "server-only";
import { specIssues, type TCreateSpecRequest, type TFreeCapacity, type TSpecAvailability, type TUpdateSpecRequest } from "@/lib/contracts/specs";
import { audited, auditNote } from "../audit/audit.service";
import { isAdmin } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { nameTakenIn } from "../db/query";
import { AppError, notFound, ref, validationError } from "../http/errors";
import { freeCapacity, missingFor, type SpecNeeds } from "../nodes/capacity";
import { allNodes, heldByNode, type NodeRow } from "../nodes/nodes.repo";
import { imageReadiness, readinessRank } from "../images/image-readiness";
import { getImage } from "../images/images.service";
import { assertUnused } from "../instances/in-use";
import * as repo from "./specs.repo";

// Specs (what users buy), which nodes could host one right now, and whether any ever could.

type Candidate = { node: NodeRow; free: TFreeCapacity };

/** Listed nodes with their free capacity (one read of nodes and allocations); online ones can host now. */
async function listedNodes(): Promise<Candidate[]> {
  const nodes = await allNodes({ isListed: true });
  const held = await heldByNode(nodes.map((n) => n.id));
  return nodes.map((node) => ({ node, free: freeCapacity(node, held.get(node.id) ?? []) }));
}

function nodesFor(spec: SpecNeeds, candidates: Candidate[]): Candidate[] {
  return candidates.filter(({ node, free }) => node.status === "online" && missingFor(spec, node, free).length === 0);
}

/** Whether one instance of the spec has room now, only when capable nodes free up, or never (no node is big enough even empty). */
export function availabilityOf(spec: SpecNeeds, candidates: Candidate[]): TSpecAvailability {
  if (nodesFor(spec, candidates).length > 0) return "available";
  return candidates.some(({ node }) => missingFor(spec, node, freeCapacity(node, [])).length === 0) ? "busy" : "none";
}

function withAvailability<S extends SpecNeeds>(spec: S, candidates: Candidate[]) {
  return { ...spec, availableNodes: nodesFor(spec, candidates).length, availability: availabilityOf(spec, candidates) };
}

export async function listSpecs(p: Principal, q: repo.SpecListQuery) {
  const { items, total } = await repo.listSpecs(isAdmin(p) ? q : { ...q, isListed: true });
  const candidates = await listedNodes();
  return { items: items.map((s) => withAvailability(s, candidates)), total };
}

async function load(p: Principal, id: string): Promise<repo.SpecRow> {
  const spec = await repo.findSpec(id);
  if (!spec || (!spec.isListed && !isAdmin(p))) throw notFound("Spec");
  return spec;
}

export async function getSpec(p: Principal, id: string) {
  return withAvailability(await load(p, id), await listedNodes());
}

/**
 * Nodes with room for one instance of the spec now. With an image, each says whether it can
 * run it (a node that lacks it and failed to pull it recently cannot), nodes that have it
 * first; users get the reason without Docker's words.
 */
export async function specNodes(p: Principal, id: string, imageId?: string) {
  const spec = await load(p, id);
  const candidates = await listedNodes();
  const fits = nodesFor(spec, candidates);
  const image = imageId ? await getImage(p, imageId) : null;
  const readiness = image
    ? await imageReadiness(
        image,
        fits.map((c) => c.node),
      )
    : null;
  const items = fits.map(({ node, free }) => {
    const r = readiness?.get(node.id);
    return {
      nodeId: node.id,
      name: node.name,
      region: node.region,
      gpuName: node.gpuName,
      free,
      image: r
        ? {
            ready: r.ready,
            present: r.present,
            reason: r.ready ? null : isAdmin(p) ? (r.reason ?? null) : `The image cannot be used on node ${node.name} right now`,
          }
        : null,
    };
  });
  if (readiness) items.sort((a, b) => readinessRank(readiness.get(a.nodeId)) - readinessRank(readiness.get(b.nodeId)));
  return { items, availability: availabilityOf(spec, candidates) };
}

/** Spec names are unique, ignoring case: two "A100 x1" in the catalog would be guesswork. */
async function assertNameFree(name: string, exceptId?: string): Promise<void> {
  if (nameTakenIn(await repo.specsNamedLike(name), name, exceptId)) {
    throw new AppError("CONFLICT", ref("serverMessages.nameExists.spec", { name }), { issues: [{ path: "name", message: "is already used by another spec" }] });
  }
}

export async function createSpec(input: TCreateSpecRequest) {
  await assertNameFree(input.name);
  auditNote({ detail: input });
  const spec = await audited(async () => {
    const row = await repo.createSpec(input);
    auditNote({ target: { type: "spec", id: row.id, name: row.name } });
    return row;
  });
  return withAvailability(spec, await listedNodes());
}

export async function updateSpec(actor: Principal, id: string, input: TUpdateSpecRequest) {
  const current = await load(actor, id);
  auditNote({ target: { type: "spec", id, name: current.name }, detail: input });
  const issues = specIssues({ ...current, ...input });
  if (issues.length) throw validationError(issues);
  if (input.name !== undefined) await assertNameFree(input.name, id);
  const spec = await audited(() => repo.updateSpec(id, input));
  return withAvailability(spec, await listedNodes());
}

export async function deleteSpec(actor: Principal, id: string): Promise<void> {
  const spec = await load(actor, id);
  auditNote({ target: { type: "spec", id, name: spec.name } });
  await assertUnused(ref("serverMessages.inUse.spec", { name: spec.name }), { specId: id });
  await audited(() => repo.deleteSpec(id));
}
