import "server-only";
import { reasonText } from "@/lib/i18n/message-ref";
import { NOTEBOOK_PORT, type TCreateImageRequest, type TPullEvent, type TUpdateImageRequest } from "@/lib/contracts/images";
import { audited, auditNote } from "../audit/audit.service";
import { isAdmin } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { describeDockerError, dockerClient, pullImage } from "../adapters/docker";
import { nameTakenIn } from "../db/query";
import { AppError, notFound, ref } from "../http/errors";
import { channel } from "../http/stream";
import { logger } from "../logger";
import { allNodeRows, dockerTargetOf } from "../nodes/nodes.service";
import { findNode, type NodeRow } from "../nodes/nodes.repo";
import { assertUnused } from "../instances/in-use";
import { describeEngineError, identifyEngine } from "../nodes/engine-identity";
import { combineReadiness, presenceOn, recordPullOutcome } from "./image-readiness";
import * as repo from "./images.repo";

// Images: users see listed ones; admins manage all, see per-node presence, pull to nodes.

export function listImages(p: Principal, q: repo.ImageListQuery) {
  return repo.listImages(isAdmin(p) ? q : { ...q, isListed: true });
}

export async function getImage(p: Principal, id: string): Promise<repo.ImageRow> {
  const image = await repo.findImage(id);
  if (!image || (!image.isListed && !isAdmin(p))) throw notFound("Image");
  return image;
}

/** Image names are unique, ignoring case: "PyTorch" and "pytorch" in the catalog would be guesswork. */
async function assertNameFree(name: string, exceptId?: string): Promise<void> {
  if (nameTakenIn(await repo.imagesNamedLike(name), name, exceptId)) {
    throw new AppError("CONFLICT", ref("serverMessages.nameExists.image", { name }), {
      issues: [{ path: "name", message: "is already used by another image" }],
    });
  }
}

const PULLABLE_TIMEOUT_MS = 8_000;
const PRESENCE_CHECK_MS = 5_000;

/** null when the node's engine can pull the reference (its registry has it), else Docker's reason. */
async function pullProblem(node: NodeRow, address: string): Promise<string | null> {
  const target = dockerTargetOf(node);
  try {
    await dockerClient(target, PULLABLE_TIMEOUT_MS).getImage(address).distribution();
    return null;
  } catch (err) {
    return reasonText(describeDockerError(err, target));
  }
}

/**
 * What an admin should know about an image being saved: whether any online node has it or
 * could pull it. Saving goes ahead either way (a node may come online, a registry may open);
 * nodes that cannot pull it are remembered as a failed pull would be, so launches leave them
 * out (and the wizard says why) until the failure is old or a pull succeeds.
 */
export async function availabilityWarnings(image: { id: string; address: string }): Promise<string[]> {
  const { address } = image;
  const nodes = (await allNodeRows()).filter((n) => n.status === "online");
  if (!nodes.length) return [`No node is online, so whether ${address} exists could not be checked`];
  const presences = await Promise.all(nodes.map((n) => presenceOn(n, address)));
  if (presences.some((p) => p.present)) return [];
  const answered = nodes.filter((_, i) => presences[i]!.present === false);
  if (!answered.length) return [`No online node answered, so whether ${address} exists could not be checked`];
  const problems = await Promise.all(answered.map((n) => pullProblem(n, address)));
  await Promise.all(
    answered.map((n, i) =>
      problems[i] === null ? undefined : recordPullOutcome(image.id, n.id, false, `checked when the image was saved: ${problems[i]}`, address),
    ),
  );
  if (problems.some((p) => p === null)) return [];
  // One line per distinct reason, naming a few of the nodes that gave it.
  const byReason = new Map<string, string[]>();
  for (const [i, n] of answered.entries()) byReason.set(problems[i]!, [...(byReason.get(problems[i]!) ?? []), n.name]);
  const reasons = [...byReason]
    .slice(0, 3)
    .map(([reason, names]) => `${names.slice(0, 3).join(", ")}${names.length > 3 ? ` and ${names.length - 3} more` : ""}: ${reason}`);
  return [`${address} is on none of the online nodes, and they cannot pull it (${reasons.join("; ")}): launches of it will fail`];
}

export async function createImage(input: TCreateImageRequest) {
  await assertNameFree(input.name);
  auditNote({ detail: input });
  const image = await audited(async () => {
    const row = await repo.createImage(input);
    auditNote({ target: { type: "image", id: row.id, name: row.name } });
    return row;
  });
  return { ...image, warnings: await availabilityWarnings(image) };
}

export async function updateImage(actor: Principal, id: string, input: TUpdateImageRequest) {
  const before = await getImage(actor, id);
  auditNote({ target: { type: "image", id, name: before.name }, detail: input });
  if (input.name !== undefined) await assertNameFree(input.name, id);
  // The request's own rule sees only what it carries: check the image as it will be.
  const notebook = input.notebook ?? before.notebook;
  const apps = input.apps ?? before.apps;
  const taken = notebook ? apps.findIndex((a) => a.port === NOTEBOOK_PORT) : -1;
  if (taken >= 0) {
    throw new AppError("VALIDATION_FAILED", `Port ${NOTEBOOK_PORT} is JupyterLab's on a notebook image`, {
      issues: [{ path: `apps.${taken}.port`, message: "is JupyterLab's on a notebook image; use another port" }],
    });
  }
  const moved = input.address !== undefined && input.address !== before.address;
  const image = await audited(async () => {
    const row = await repo.updateImage(id, input);
    // Pull outcomes were about the old reference.
    if (moved) await repo.clearPullStates(id);
    return row;
  });
  return { ...image, warnings: moved ? await availabilityWarnings(image) : [] };
}

export async function deleteImage(actor: Principal, id: string): Promise<void> {
  const image = await getImage(actor, id);
  auditNote({ target: { type: "image", id, name: image.name } });
  await assertUnused(ref("serverMessages.inUse.image", { name: image.name }), { imageId: id });
  await audited(() => repo.deleteImage(id));
}

/** Asks every node's engine whether the image is there (in parallel, bounded in time), and which nodes cannot run it. */
export async function imagePresenceByNode(actor: Principal, id: string) {
  const image = await getImage(actor, id);
  const nodes = await allNodeRows();
  const [presences, states] = await Promise.all([Promise.all(nodes.map((n) => presenceOn(n, image.address))), repo.pullStates(id)]);
  const stateOf = new Map(states.map((s) => [s.nodeId, s]));
  const now = Date.now();
  const items = nodes.map((node, i) => {
    const presence = presences[i]!;
    const state = stateOf.get(node.id);
    const readiness = combineReadiness(node.name, image.address, presence, state, now);
    return {
      nodeId: node.id,
      nodeName: node.name,
      nodeStatus: node.status,
      ...presence,
      ready: readiness.ready,
      reason: readiness.reason ?? null,
      lastPull: state && state.address === image.address ? { ok: state.lastPullOk, message: state.lastPullMessage, at: state.lastPullAt } : null,
    };
  });
  return { items };
}

/**
 * Pulls the image to a node. Validates before streaming (404s are real HTTP errors), then
 * yields Docker's progress; the last event says done or carries Docker's reason.
 */
export async function pullToNode(actor: Principal, id: string, nodeId: string): Promise<AsyncIterable<TPullEvent>> {
  const image = await getImage(actor, id);
  const node = await findNode(nodeId);
  if (!node) throw notFound("Node");
  const target = dockerTargetOf(node);
  const events = channel<TPullEvent>();
  // The pull changes the node, not our database: the action's event is written when it starts.
  auditNote({ target: { type: "image", id, name: image.name }, detail: { node: node.name, nodeId, address: image.address } });
  const started = Date.now();
  // Only a Docker engine's own words are passed on: whatever else answers at the address is not repeated.
  let isEngine = false;
  identifyEngine(dockerClient(target, PRESENCE_CHECK_MS))
    .then(() => {
      isEngine = true;
      return pullImage(dockerClient(target, 30 * 60_000), image.address, (p) => events.push({ type: "progress", ...p }));
    })
    .then(async () => {
      await recordPullOutcome(id, nodeId, true, null, image.address);
      events.push({ type: "done", status: `Pulled ${image.address} to ${node.name}` });
      logger.info({ image: image.address, node: node.name, ms: Date.now() - started }, "image pulled");
    })
    .catch(async (err: unknown) => {
      const message = reasonText(isEngine ? describeDockerError(err, target) : describeEngineError(err, target));
      await recordPullOutcome(id, nodeId, false, message, image.address);
      events.push({ type: "error", message: `Pull of ${image.address} to ${node.name} failed: ${message}` });
      logger.warn({ image: image.address, node: node.name, err: message }, "image pull failed");
    })
    .finally(() => events.end());
  return events;
}
