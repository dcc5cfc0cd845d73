import "server-only";
import { specIssues, type TCreateSpecRequest, type TUpdateSpecRequest } from "@/lib/contracts/specs";
import { audit } from "../audit/audit.service";
import { isAdmin } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { nameTakenIn } from "../db/query";
import { AppError, notFound, validationError } from "../http/errors";
import { freeCapacity, missingFor, type SpecNeeds } from "../nodes/capacity";
import { allNodes, heldByNode } from "../nodes/nodes.repo";
import { assertUnused } from "../instances/in-use";
import * as repo from "./specs.repo";

// Specs (what users buy) and which nodes could host one right now.

/** Online, listed nodes with their free capacity: one read of nodes and allocations. */
async function hostableNodes() {
  const nodes = await allNodes({ status: "online", isListed: true });
  const held = await heldByNode(nodes.map((n) => n.id));
  return nodes.map((node) => ({ node, free: freeCapacity(node, held.get(node.id) ?? []) }));
}

function nodesFor(spec: SpecNeeds, candidates: Awaited<ReturnType<typeof hostableNodes>>) {
  return candidates.filter(({ node, free }) => missingFor(spec, node, free).length === 0);
}

export async function listSpecs(p: Principal, q: repo.SpecListQuery) {
  const { items, total } = await repo.listSpecs(isAdmin(p) ? q : { ...q, isListed: true });
  const candidates = await hostableNodes();
  return { items: items.map((s) => ({ ...s, availableNodes: nodesFor(s, candidates).length })), total };
}

async function load(p: Principal, id: string): Promise<repo.SpecRow> {
  const spec = await repo.findSpec(id);
  if (!spec || (!spec.isListed && !isAdmin(p))) throw notFound("Spec");
  return spec;
}

export async function getSpec(p: Principal, id: string) {
  const spec = await load(p, id);
  return { ...spec, availableNodes: nodesFor(spec, await hostableNodes()).length };
}

export async function specNodes(p: Principal, id: string) {
  const spec = await load(p, id);
  const items = nodesFor(spec, await hostableNodes()).map(({ node, free }) => ({
    nodeId: node.id,
    name: node.name,
    region: node.region,
    gpuName: node.gpuName,
    free,
  }));
  return { items };
}

/** Spec names are unique, ignoring case: two "A100 x1" in the catalog would be guesswork. */
async function assertNameFree(name: string, exceptId?: string): Promise<void> {
  if (nameTakenIn(await repo.specsNamedLike(name), name, exceptId)) {
    throw new AppError("CONFLICT", `A spec named "${name}" exists`, { issues: [{ path: "name", message: "is already used by another spec" }] });
  }
}

export async function createSpec(actor: Principal, input: TCreateSpecRequest, ip: string) {
  await assertNameFree(input.name);
  const spec = await repo.createSpec(input);
  await audit({ actorId: actor.userId, action: "spec.create", target: { type: "spec", id: spec.id }, detail: { name: spec.name }, ip });
  return { ...spec, availableNodes: nodesFor(spec, await hostableNodes()).length };
}

export async function updateSpec(actor: Principal, id: string, input: TUpdateSpecRequest, ip: string) {
  const current = await load(actor, id);
  const issues = specIssues({ ...current, ...input });
  if (issues.length) throw validationError(issues);
  if (input.name !== undefined) await assertNameFree(input.name, id);
  const spec = await repo.updateSpec(id, input);
  await audit({ actorId: actor.userId, action: "spec.update", target: { type: "spec", id }, detail: { changed: Object.keys(input) }, ip });
  return { ...spec, availableNodes: nodesFor(spec, await hostableNodes()).length };
}

export async function deleteSpec(actor: Principal, id: string, ip: string): Promise<void> {
  const spec = await load(actor, id);
  await assertUnused(`Spec ${spec.name}`, { specId: id });
  await repo.deleteSpec(id);
  await audit({ actorId: actor.userId, action: "spec.delete", target: { type: "spec", id }, detail: { name: spec.name }, ip });
}
