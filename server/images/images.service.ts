import "server-only";
import type { TCreateImageRequest, TPullEvent, TUpdateImageRequest } from "@/lib/contracts/images";
import { audit } from "../audit/audit.service";
import { isAdmin } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { describeDockerError, dockerClient, imagePresence, pullImage } from "../adapters/docker";
import { notFound } from "../http/errors";
import { channel } from "../http/stream";
import { logger } from "../logger";
import { allNodeRows, dockerTargetOf } from "../nodes/nodes.service";
import { findNode } from "../nodes/nodes.repo";
import { assertUnused } from "../instances/in-use";
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

export async function createImage(actor: Principal, input: TCreateImageRequest, ip: string) {
  const image = await repo.createImage(input);
  await audit({
    actorId: actor.userId,
    action: "image.create",
    target: { type: "image", id: image.id },
    detail: { name: image.name, address: image.address },
    ip,
  });
  return image;
}

export async function updateImage(actor: Principal, id: string, input: TUpdateImageRequest, ip: string) {
  await getImage(actor, id);
  const image = await repo.updateImage(id, input);
  await audit({ actorId: actor.userId, action: "image.update", target: { type: "image", id }, detail: { changed: Object.keys(input) }, ip });
  return image;
}

export async function deleteImage(actor: Principal, id: string, ip: string): Promise<void> {
  const image = await getImage(actor, id);
  await assertUnused(`Image ${image.name}`, { imageId: id });
  await repo.deleteImage(id);
  await audit({ actorId: actor.userId, action: "image.delete", target: { type: "image", id }, detail: { name: image.name }, ip });
}

const PRESENCE_TIMEOUT_MS = 5_000;

/** Asks every node's engine whether the image is there (in parallel, bounded in time). */
export async function imagePresenceByNode(actor: Principal, id: string) {
  const image = await getImage(actor, id);
  const nodes = await allNodeRows();
  const items = await Promise.all(
    nodes.map(async (node) => {
      const base = { nodeId: node.id, nodeName: node.name, nodeStatus: node.status };
      const target = dockerTargetOf(node);
      try {
        const p = await imagePresence(dockerClient(target, PRESENCE_TIMEOUT_MS), image.address);
        return { ...base, ...p, error: null };
      } catch (err) {
        return { ...base, present: null, sizeBytes: null, error: describeDockerError(err, target) };
      }
    }),
  );
  return { items };
}

/**
 * Pulls the image to a node. Validates before streaming (404s are real HTTP errors), then
 * yields Docker's progress; the last event says done or carries Docker's reason.
 */
export async function pullToNode(actor: Principal, id: string, nodeId: string, ip: string): Promise<AsyncIterable<TPullEvent>> {
  const image = await getImage(actor, id);
  const node = await findNode(nodeId);
  if (!node) throw notFound("Node");
  const target = dockerTargetOf(node);
  const events = channel<TPullEvent>();
  await audit({ actorId: actor.userId, action: "image.pull", target: { type: "image", id }, detail: { nodeId, address: image.address }, ip });
  const started = Date.now();
  pullImage(dockerClient(target, 30 * 60_000), image.address, (p) => events.push({ type: "progress", ...p }))
    .then(() => {
      events.push({ type: "done", status: `Pulled ${image.address} to ${node.name}` });
      logger.info({ image: image.address, node: node.name, ms: Date.now() - started }, "image pulled");
    })
    .catch((err: unknown) => {
      const message = describeDockerError(err, target);
      events.push({ type: "error", message: `Pull of ${image.address} to ${node.name} failed: ${message}` });
      logger.warn({ image: image.address, node: node.name, err: message }, "image pull failed");
    })
    .finally(() => events.end());
  return events;
}
