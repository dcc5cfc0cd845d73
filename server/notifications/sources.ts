import "server-only";
import type { TNotificationKind } from "@/lib/contracts/notifications";
import { type DomainEvents, on } from "../events";
import { logger } from "../logger";
import * as repo from "./notifications.repo";
import { notify } from "./notifications.service";

// What becomes a notification, from the process's domain events: instances that stopped at
// zero balance, failed, exited or became unreachable (and reachable again) for their owner;
// the balance running low (from the meter) for its user; nodes going offline and back for
// every active administrator. Instance events of one user and kind that come together (all
// of a user's instances stopped at zero, every instance of a node that went away) make one
// notification naming how many, not a bell full of copies.

type InstanceEvent = DomainEvents["instance.status"];

const KIND_OF_REASON: Record<InstanceEvent["reason"], TNotificationKind> = {
  balance: "balance_stopped",
  creation_failed: "instance_failed",
  container_removed: "instance_failed",
  exited: "instance_exited",
  node_unreachable: "instance_unreachable",
  recovered: "instance_recovered",
};

/** Instance names a notification spells out; the rest are counted. */
const NAMED = 3;

/** One notification for a user's instance events of one kind that came together. Pure. */
export function summarize(kind: TNotificationKind, events: InstanceEvent[]) {
  const byInstance = new Map(events.map((e) => [e.instanceId, e]));
  const distinct = [...byInstance.values()];
  const one = distinct.length === 1 ? distinct[0]! : null;
  const reasons = new Set(distinct.map((e) => e.reason));
  return {
    kind,
    params: {
      names: distinct.slice(0, NAMED).map((e) => e.name),
      count: distinct.length,
      ...(reasons.size === 1 ? { reason: distinct[0]!.reason } : {}),
      ...(one ? { message: one.message } : {}),
    },
    link: one ? `/instances/${one.instanceId}` : "/instances",
  };
}

const NODE_KINDS = ["node_offline", "node_online"];
const REACH_KINDS = ["instance_unreachable", "instance_recovered"];
const nodeLink = (nodeId: string) => `/admin/nodes?node=${encodeURIComponent(nodeId)}`;
/** A flapping node tells once per this long: "gone" again so soon after news of it is not news. */
export const FLAP_QUIET_MS = 10 * 60_000;

/**
 * Whether an up/down notice is news, given the last of the pair (`down`, `up`): "down" when
 * no notice of the pair came within FLAP_QUIET_MS; "up" only after a "down" was told. Pure.
 */
export function isNews(kind: string, down: string, last: { kind: string; createdAt: Date } | null, now = Date.now()): boolean {
  if (kind === down) return !last || now - last.createdAt.getTime() >= FLAP_QUIET_MS;
  return last?.kind === down;
}

const CLUSTER_KINDS = ["cluster_down", "cluster_up"];

/** A Slurm cluster turning unreachable or degraded, and healthy again: told to administrators like nodes. */
async function onClusterStatus(e: DomainEvents["cluster.status"]): Promise<void> {
  const link = `/clusters/${encodeURIComponent(e.clusterId)}`;
  const kind = e.status === "healthy" ? "cluster_up" : "cluster_down";
  if (!isNews(kind, "cluster_down", await repo.lastOf({ link }, CLUSTER_KINDS))) return;
  await notify(await repo.activeAdminIds(), {
    kind,
    params: { clusterName: e.name, ...(kind === "cluster_down" ? { status: e.status } : {}), ...(e.message ? { message: e.message } : {}) },
    link,
  });
}

async function onNodeStatus(e: DomainEvents["node.status"]): Promise<void> {
  const link = nodeLink(e.nodeId);
  const kind = e.status === "online" ? "node_online" : "node_offline";
  // "Back online" only after an "offline" (a node's first check is no news), and a flapping
  // node tells once per FLAP_QUIET_MS.
  if (!isNews(kind, "node_offline", await repo.lastOf({ link }, NODE_KINDS))) return;
  await notify(await repo.activeAdminIds(), {
    kind: e.status === "online" ? "node_online" : "node_offline",
    params: { nodeName: e.name, ...(e.message ? { message: e.message } : {}) },
    link,
  });
}

/**
 * Subscribes to the domain events (in the console process, beside the realtime layer).
 * `batchMs`: how long instance events of a user and kind are gathered into one notification.
 * stop() unsubscribes and writes what is still gathered; flush() writes it now (tests).
 */
export function startNotifications(opts: { batchMs?: number } = {}) {
  const batchMs = opts.batchMs ?? 1_000;
  const pending = new Map<string, { userId: string; kind: TNotificationKind; events: InstanceEvent[]; timer: NodeJS.Timeout }>();
  const inFlight = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>, what: string) => {
    const run = p.catch((err: unknown) => logger.error({ err }, `could not store a notification (${what})`)).finally(() => inFlight.delete(run));
    inFlight.add(run);
  };

  let nodeChain: Promise<void> = Promise.resolve();

  const write = (key: string) => {
    const batch = pending.get(key);
    if (!batch) return;
    pending.delete(key);
    clearTimeout(batch.timer);
    const n = summarize(batch.kind, batch.events);
    // Unreachable and back, like nodes: once per FLAP_QUIET_MS for a user.
    const told = REACH_KINDS.includes(batch.kind)
      ? repo.lastOf({ userId: batch.userId }, REACH_KINDS).then((last) => isNews(batch.kind, "instance_unreachable", last))
      : Promise.resolve(true);
    track(
      told.then((news) => (news ? notify([batch.userId], n) : undefined)),
      batch.kind,
    );
  };

  const offs = [
    on("instance.status", (e) => {
      const kind = KIND_OF_REASON[e.reason];
      if (!kind) return;
      const key = `${e.userId}:${kind}`;
      const batch = pending.get(key);
      if (batch) batch.events.push(e);
      else {
        const timer = setTimeout(() => write(key), batchMs);
        timer.unref();
        pending.set(key, { userId: e.userId, kind, events: [e], timer });
      }
    }),
    on("billing.balanceLow", (e) =>
      track(
        notify([e.userId], {
          kind: "balance_low",
          params: { balanceCents: e.balanceCents, burnCentsPerHour: e.burnCentsPerHour, secondsLeft: e.secondsLeft },
          link: "/billing",
        }),
        "balance_low",
      ),
    ),
    // One after another: "back online" reads what "offline" wrote.
    on("node.status", (e) => {
      nodeChain = nodeChain.then(() => onNodeStatus(e)).catch((err: unknown) => logger.error({ err }, "could not store a notification (node)"));
      track(nodeChain, "node");
    }),
    on("cluster.status", (e) => {
      nodeChain = nodeChain.then(() => onClusterStatus(e)).catch((err: unknown) => logger.error({ err }, "could not store a notification (cluster)"));
      track(nodeChain, "cluster");
    }),
  ];

  const flush = async () => {
    for (const key of [...pending.keys()]) write(key);
    await Promise.all(inFlight);
  };
  return {
    flush,
    stop: async () => {
      for (const off of offs) off();
      await flush();
    },
  };
}
