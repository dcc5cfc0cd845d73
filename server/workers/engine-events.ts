import "server-only";
import { createHash } from "node:crypto";
import { setMaxListeners } from "node:events";
import { CONSOLE_LABEL, consoleId } from "../instances/console-id";
import { runtimeOf } from "../instances/engine";
import * as repo from "../instances/instances.repo";
import { reconcileNode } from "../instances/reconcile";
import { logger } from "../logger";
import { allNodeRows } from "../nodes/nodes.service";
import { findNode, type NodeRow } from "../nodes/nodes.repo";
import type { Worker } from "./runner";

// The engines' own events, watched on every online node: when one of this console's
// containers starts, dies or is removed, its node is reconciled at once, so an exit shows
// (and stops being metered) within a second instead of at the next periodic pass, which
// stays the safety net for whatever a watch misses. Each run of the worker starts watches
// for nodes that came online and ends those of nodes that went away or changed address; a
// watch is renewed every WATCH_MAX_MS, so a stream that died silently (a NAT dropping an idle
// connection) is not trusted for long.

type Watch = { key: string; abort: AbortController };
const watches = new Map<string, Watch>();

/** What the watch connects with: a change (address, TLS material) means a new watch. */
const keyOf = (n: NodeRow) =>
  createHash("sha256")
    .update(JSON.stringify([n.dockerAddress, n.useTls, n.caCert, n.clientCert, n.clientKeyEnc]))
    .digest("hex");
const RECONCILE_TIMEOUT_MS = 10_000;
/** Events come in bursts (kill, die, stop): one pass after the burst. */
const SETTLE_MS = 250;
const WATCH_MAX_MS = 10 * 60_000;

async function reconcileNow(nodeId: string): Promise<void> {
  const node = await findNode(nodeId);
  if (!node) return;
  await reconcileNode(node, await repo.liveOnNodes([nodeId]), RECONCILE_TIMEOUT_MS);
}

async function watch(node: NodeRow, w: Watch, parent: AbortSignal): Promise<void> {
  const { signal } = w.abort;
  const stop = () => w.abort.abort();
  parent.addEventListener("abort", stop, { once: true });
  const renew = setTimeout(stop, WATCH_MAX_MS);
  let timer: NodeJS.Timeout | undefined;
  const kick = () => {
    clearTimeout(timer);
    timer = setTimeout(
      () => void reconcileNow(node.id).catch((err: unknown) => logger.warn({ err: String(err), node: node.name }, "event reconcile failed")),
      SETTLE_MS,
    );
  };
  try {
    for await (const e of runtimeOf(node, RECONCILE_TIMEOUT_MS).events({ [CONSOLE_LABEL]: await consoleId() }, signal)) {
      if (e.action !== "other" && e.action !== "create") kick();
    }
  } catch (err) {
    logger.debug({ err: String(err), node: node.name }, "engine event watch ended");
  } finally {
    clearTimeout(renew);
    parent.removeEventListener("abort", stop);
    if (watches.get(node.id) === w) watches.delete(node.id);
  }
}

/**
 * Watches the engines of `nodes` (the online ones), stops watching the others; a node whose
 * address changed is watched anew. Watches end when `signal` aborts.
 */
export function syncEngineWatches(nodes: NodeRow[], signal: AbortSignal): void {
  const online = new Map(nodes.filter((n) => n.status === "online").map((n) => [n.id, n]));
  for (const [id, w] of watches) {
    const n = online.get(id);
    if (!n || w.key !== keyOf(n) || signal.aborted) {
      w.abort.abort();
      watches.delete(id);
    }
  }
  if (signal.aborted) return;
  // One abort listener per watched node: a platform with more than 10 is no leak.
  setMaxListeners(0, signal);
  for (const n of online.values()) {
    if (watches.has(n.id)) continue;
    const w = { key: keyOf(n), abort: new AbortController() };
    watches.set(n.id, w);
    void watch(n, w, signal);
  }
}

/** Node ids watched now. */
export const watchedNodes = () => [...watches.keys()];

export function engineEventsWorker(): Worker {
  return {
    name: "engine-events",
    intervalMs: 10_000,
    runAtStart: true,
    run: async (signal) => syncEngineWatches(await allNodeRows(), signal),
  };
}
