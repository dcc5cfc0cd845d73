import "server-only";
import { createHash } from "node:crypto";
import { logger } from "../logger";
import { findNode, type NodeRow } from "../nodes/nodes.repo";
import { CONSOLE_LABEL, consoleId } from "./console-id";
import { runtimeOf } from "./engine";
import * as repo from "./instances.repo";
import { reconcileNode } from "./reconcile";

// The engines' own events, watched on every online node: when one of this console's
// containers starts, dies or is removed, its node is reconciled at once, so an exit shows
// (and stops being metered) within a second instead of at the next periodic pass, which
// stays the safety net for whatever a watch misses.

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

async function reconcileNow(nodeId: string): Promise<void> {
  const node = await findNode(nodeId);
  if (!node) return;
  await reconcileNode(node, await repo.liveOnNodes([nodeId]), RECONCILE_TIMEOUT_MS);
}

async function watch(node: NodeRow, signal: AbortSignal): Promise<void> {
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
    if (watches.get(node.id)?.abort.signal === signal) watches.delete(node.id);
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
  for (const n of online.values()) {
    if (watches.has(n.id)) continue;
    const abort = new AbortController();
    signal.addEventListener("abort", () => abort.abort(), { once: true });
    watches.set(n.id, { key: keyOf(n), abort });
    void watch(n, abort.signal);
  }
}

/** Node ids watched now (for tests and health output). */
export const watchedNodes = () => [...watches.keys()];
