import type { TInstance, TInstanceStatus } from "./contracts/instances";
import { randomHex } from "./random";

// Instance rules the pages share: which controls a status offers, where a launch is, and a
// default name for new instances. The server re-checks every action (409 INVALID_STATE).

export type InstanceAction = "start" | "stop" | "restart" | "delete";

const ACTIONS: Record<TInstanceStatus, readonly InstanceAction[]> = {
  creating: ["delete"],
  running: ["stop", "restart", "delete"],
  stopped: ["start", "delete"],
  exited: ["start", "restart", "delete"],
  failed: ["start", "delete"],
  // Its node does not answer: nothing can be done to the container until it does.
  unknown: ["delete"],
  deleted: [],
};

/** Start of a failed instance retries: the container is (re)made on the same data volume. */
export function allowedActions(i: Pick<TInstance, "status">): ReadonlySet<InstanceAction> {
  return new Set(ACTIONS[i.status]);
}

/** Statuses whose statusMessage explains a problem worth showing prominently. */
export const TROUBLED: ReadonlySet<TInstanceStatus> = new Set(["failed", "exited", "unknown"]);

/** The launch's step: 0 placing on a node, 1 creating the container, 2 running. */
export function launchStep(i: Pick<TInstance, "status" | "nodeId" | "containerId">): 0 | 1 | 2 {
  if (i.status === "running" || (i.status !== "creating" && i.status !== "failed")) return 2;
  if (!i.nodeId) return 0;
  return i.containerId && i.status === "failed" ? 2 : 1;
}

/** Whether the page follows the launch: while creating, and after a launch that never ran. */
export function showsLaunchProgress(i: Pick<TInstance, "status" | "startedAt">): boolean {
  return i.status === "creating" || (i.status === "failed" && !i.startedAt);
}

/** A valid default name (1-64 characters) from the image's name and a random suffix. */
export function defaultInstanceName(imageName: string, suffix: string): string {
  const slug = imageName
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return `${slug || "instance"}-${suffix}`;
}

export function randomSuffix(): string {
  return randomHex(2);
}
