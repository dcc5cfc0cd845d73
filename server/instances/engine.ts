import "server-only";
import { RuntimeError, type Runtime } from "../adapters/runtime";
import { enUS } from "@/lib/i18n/en-US";
import { AppError, ref } from "../http/errors";
import { findNode, type NodeRow } from "../nodes/nodes.repo";
import { ENGINE_TIMEOUT_MS, nodeRuntime } from "../nodes/runtime";
import type { InstanceRow } from "./instances.repo";

// An instance's node and its engine (through the runtime interface), and engine failures in
// words for the instance's owner.

/** Grace period of a stop before the engine kills the container. */
export const STOP_GRACE_SEC = 10;

export async function nodeOf(row: Pick<InstanceRow, "nodeId">): Promise<NodeRow> {
  const node = row.nodeId ? await findNode(row.nodeId) : null;
  if (!node) throw new AppError("INVALID_STATE", ref("serverMessages.instance.nodeRemoved"));
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
  // Docker's own reason stays as Docker wrote it.
  const known = Object.entries(enUS.serverMessages.instance.doing).find(([, text]) => text === doing)?.[0];
  const what = known ? ref(`serverMessages.instance.doing.${known as keyof typeof enUS.serverMessages.instance.doing}`) : doing;
  return new AppError(
    err.kind === "refused" ? "ENGINE_ERROR" : "NODE_UNREACHABLE",
    ref("serverMessages.instance.engine", { doing: what, node: node.name, reason: err.message }),
  );
}

export const isUnreachable = (err: unknown) => err instanceof RuntimeError && err.kind === "unreachable";
