import "server-only";
import { reasonText } from "@/lib/i18n/message-ref";
import { dockerClient, imagePresence } from "../adapters/docker";
import { logger } from "../logger";
import { describeEngineError } from "../nodes/engine-identity";
import type { NodeRow } from "../nodes/nodes.repo";
import { dockerTargetOf } from "../nodes/nodes.service";
import * as repo from "./images.repo";

// Can a node run an image? It can when the image is there, or (pulled on demand) when it is
// not and no pull of it there failed recently. Presence is asked live from each engine, in
// parallel and briefly; pull outcomes are recorded whenever a pull happens (the admin's pull,
// and instance creations through recordPullOutcome).

export type NodeReadiness = {
  /** The node can run the image now: it has it, or may pull it at launch. */
  ready: boolean;
  present: boolean;
  /** Why it is not ready (names the node and the pull's error); absent when ready. */
  reason?: string;
};

/** How long a failed pull keeps a node from being offered for the image (unless a pull succeeds or the image changes first). */
export const PULL_FAILURE_TTL_MS = 60 * 60_000;
const PRESENCE_TIMEOUT_MS = 4_000;

export type Presence = { present: boolean | null; sizeBytes: number | null; error: string | null };

/** Asks one node's engine whether it has the image (null: it did not answer; `error` says why, in fixed words). */
export async function presenceOn(node: NodeRow, address: string, timeoutMs = PRESENCE_TIMEOUT_MS): Promise<Presence> {
  const target = dockerTargetOf(node);
  try {
    return { ...(await imagePresence(dockerClient(target, timeoutMs), address)), error: null };
  } catch (err) {
    return { present: null, sizeBytes: null, error: reasonText(describeEngineError(err, target)) };
  }
}

function ago(ms: number): string {
  const min = Math.max(1, Math.round(ms / 60_000));
  return min < 60 ? `${min} min ago` : `${Math.round(min / 60)} h ago`;
}

/** The failed pull that still counts: of this very address, within PULL_FAILURE_TTL_MS. */
export function recentFailure(state: repo.PullState | undefined, address: string, now: number): repo.PullState | null {
  if (!state || state.lastPullOk || state.address !== address) return null;
  return now - state.lastPullAt.getTime() <= PULL_FAILURE_TTL_MS ? state : null;
}

/** Presence and the last pull outcome → readiness. Pure. */
export function combineReadiness(nodeName: string, address: string, presence: Presence, state: repo.PullState | undefined, now: number): NodeReadiness {
  if (presence.present === true) return { ready: true, present: true };
  if (presence.present === null) {
    return { ready: false, present: false, reason: `Node ${nodeName} did not answer whether it has ${address}: ${presence.error ?? "no answer"}` };
  }
  const failed = recentFailure(state, address, now);
  if (failed) {
    return {
      ready: false,
      present: false,
      reason: `${address} is not on node ${nodeName}, and pulling it there failed ${ago(now - failed.lastPullAt.getTime())}: ${failed.lastPullMessage ?? "unknown error"}`,
    };
  }
  return { ready: true, present: false };
}

/**
 * Whether each node can run the image: present, pulled on demand, or not ready with the
 * reason. Nodes are asked in parallel, each for at most a few seconds.
 */
export async function imageReadiness(image: { id: string; address: string }, nodes: NodeRow[]): Promise<Map<string, NodeReadiness>> {
  if (!nodes.length) return new Map();
  const [presences, states] = await Promise.all([
    Promise.all(nodes.map((n) => presenceOn(n, image.address))),
    repo.pullStates(
      image.id,
      nodes.map((n) => n.id),
    ),
  ]);
  const byNode = new Map(states.map((s) => [s.nodeId, s]));
  const now = Date.now();
  return new Map(nodes.map((n, i) => [n.id, combineReadiness(n.name, image.address, presences[i]!, byNode.get(n.id), now)]));
}

/** Placement order: nodes that have the image first, then those that would pull it; not-ready ones last (they should not be used). */
export function readinessRank(r: NodeReadiness | undefined): number {
  if (!r) return 1;
  return r.present ? 0 : r.ready ? 1 : 2;
}

/**
 * Records how a pull of the image to a node ended (call it after every pull, successful or
 * not). `address` defaults to the image's current address.
 */
export async function recordPullOutcome(imageId: string, nodeId: string, ok: boolean, message: string | null, address?: string): Promise<void> {
  try {
    const pulled = address ?? (await repo.findImage(imageId))?.address;
    if (!pulled) return;
    await repo.savePullState(imageId, nodeId, {
      address: pulled,
      lastPullOk: ok,
      lastPullMessage: ok ? null : (message ?? "").slice(0, 1000),
      lastPullAt: new Date(),
    });
  } catch (err) {
    // The image or node was deleted meanwhile: nothing to remember.
    logger.warn({ err, imageId, nodeId }, "pull outcome not recorded");
  }
}
