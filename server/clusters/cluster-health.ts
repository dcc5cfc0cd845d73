import "server-only";
import { joined, type MessageRef, reasonText, ref, type StatusReason } from "@/lib/i18n/message-ref";
import { isSlurmError } from "../adapters/slurm/client";
import type { SlurmNode } from "../adapters/slurm/model";
import { emit } from "../events";
import { AppError } from "../http/errors";
import { logger } from "../logger";
import * as repo from "./clusters.repo";
import { clientOf, read } from "./slurm-access";

// A cluster's health, from the cached reads (so checking costs no extra slurmrestd
// requests beyond one ping and one node list per period): `unreachable` when slurmrestd does
// not answer (or not as slurmrestd), `degraded` when it answers but refuses the console's
// credentials, a controller does not answer, or nodes are down, drained or failing,
// `healthy` otherwise. Each change is recorded in the status history (as nodes' are).

const TROUBLE = new Set(["DOWN", "DRAIN", "DRAINED", "DRAINING", "FAIL", "FAILING", "NOT_RESPONDING", "UNKNOWN"]);

function troubled(n: SlurmNode): boolean {
  return TROUBLE.has(n.state) || n.stateFlags.some((f) => TROUBLE.has(f));
}

/** Its message: our words as a reference; slurmrestd's or the connection's own words as text. */
export type Health = { status: "healthy" | "degraded" | "unreachable"; message: StatusReason | null };

export async function assessHealth(row: repo.ClusterRow): Promise<Health & { release?: string | null }> {
  try {
    const ping = (await read(row, "ping")).value;
    const down = ping.controllers.filter((c) => !c.up).map((c) => c.host);
    const nodes = (await read(row, "nodes")).value;
    const bad = nodes.filter(troubled);
    const problems: MessageRef[] = [
      ...(down.length ? [ref("serverMessages.clusterHealth.controllersDown", { hosts: down.join(", ") })] : []),
      ...(bad.length
        ? [
            ref("serverMessages.clusterHealth.nodesDown", {
              bad: bad.length,
              total: nodes.length,
              list: bad
                .slice(0, 5)
                .map((n) => `${n.name}: ${[n.state, ...n.stateFlags].join("+").toLowerCase()}`)
                .join(", "),
            }),
          ]
        : []),
    ];
    if (!nodes.length) problems.push(ref("serverMessages.clusterHealth.noNodes"));
    const message = problems.length === 1 ? problems[0]! : problems.length ? ref("serverMessages.text", { text: joined(problems, "clauses") }) : null;
    return { status: problems.length ? "degraded" : "healthy", message, release: ping.release };
  } catch (err) {
    if (err instanceof AppError) return { status: err.code === "CLUSTER_UNREACHABLE" ? "unreachable" : "degraded", message: err.reason };
    if (err instanceof Error && "code" in err && typeof (err as { code: unknown }).code === "string") return { status: "degraded", message: err.message };
    if (isSlurmError(err)) return { status: err.kind === "unreachable" || err.kind === "not_slurm" ? "unreachable" : "degraded", message: err.message };
    logger.warn({ err, cluster: row.id }, "cluster health check failed");
    return { status: "unreachable", message: ref("serverMessages.clusterHealth.checkFailed") };
  }
}

/** Checks one cluster and records what it found (an event when the status changed). */
export async function checkClusterHealth(row: repo.ClusterRow): Promise<Health> {
  const h = await assessHealth(row);
  let version: string | null = null;
  try {
    version = clientOf(row).version;
  } catch {
    version = null;
  }
  const changed = await repo.recordStatus(row.id, h.status, h.message, {
    ...(version ? { apiVersion: version } : {}),
    ...(h.release ? { release: h.release } : {}),
  });
  if (changed) emit("cluster.status", { clusterId: row.id, name: row.name, status: h.status, message: h.message && reasonText(h.message) });
  return { status: h.status, message: h.message };
}
