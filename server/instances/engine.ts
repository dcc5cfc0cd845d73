import "server-only";
import { RuntimeError, type Runtime } from "../adapters/runtime";
import { AppError } from "../http/errors";
import { findNode, type NodeRow } from "../nodes/nodes.repo";
import { ENGINE_TIMEOUT_MS, nodeRuntime } from "../nodes/runtime";
import type { InstanceRow } from "./instances.repo";

// An instance's node and its engine (through the runtime interface), and engine failures in
// words for the instance's owner.

/** Grace period of a stop before the engine kills the container. */
export const STOP_GRACE_SEC = 10;

export async function nodeOf(row: Pick<InstanceRow, "nodeId">): Promise<NodeRow> {
  const node = row.nodeId ? await findNode(row.nodeId) : null;
  if (!node) throw new AppError("INVALID_STATE", "The node of this instance was removed");
  return node;
}

export function runtimeOf(node: NodeRow, timeoutMs = ENGINE_TIMEOUT_MS): Runtime {
  return nodeRuntime(node, timeoutMs);
}

/**
 * An engine failure as an AppError: the engine's refusals, and nodes that do not answer.
 * Anything else is a bug and stays a 500.
 */
export function engineError(err: unknown, node: Pick<NodeRow, "name">, doing: string): unknown {
  if (err instanceof AppError || !(err instanceof RuntimeError)) return err;
  return new AppError(err.kind === "refused" ? "ENGINE_ERROR" : "NODE_UNREACHABLE", `Could not ${doing} on node ${node.name}: ${err.message}`);
}

export const isUnreachable = (err: unknown) => err instanceof RuntimeError && err.kind === "unreachable";
