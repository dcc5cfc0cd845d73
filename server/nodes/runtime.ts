import "server-only";
import { DockerRuntime } from "../adapters/docker-runtime";
import type { Runtime } from "../adapters/runtime";
import { env } from "../env";
import type { NodeRow } from "./nodes.repo";
import { dockerTargetOf } from "./nodes.service";

// A node's container engine behind the runtime interface (Docker is the only engine today).

/** Engine calls that may take long (create, start, stop with its grace period). */
export const ENGINE_TIMEOUT_MS = 120_000;

export function nodeRuntime(node: NodeRow, timeoutMs = ENGINE_TIMEOUT_MS): Runtime {
  const e = env();
  return new DockerRuntime(dockerTargetOf(node), { timeoutMs, networkPool: e.tenantPool, networkPrefix: e.TENANT_NETWORK_PREFIX });
}
