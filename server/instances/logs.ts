import "server-only";
import type { Readable } from "node:stream";
import type { TLogsQuery } from "@/lib/contracts/instances";
import type { Principal } from "../auth/principal";
import { AppError, ref } from "../http/errors";
import { engineError, nodeOf, runtimeOf } from "./engine";
import { loadOwned } from "./instances.service";
import { containerName } from "./workload";

// Logs of an instance's container: the latest lines (tail, since, timestamps) and the whole
// log as a download. Read from the engine, so they outlive stops.

/** The caller's instance with a container to read from, and its engine. */
export async function readableContainer(p: Principal, id: string) {
  const row = await loadOwned(p, id);
  if (row.status === "creating") throw new AppError("INVALID_STATE", ref("serverMessages.instance.stillCreating"));
  if (row.status === "unknown") throw new AppError("NODE_UNREACHABLE", ref("serverMessages.instance.nodeNoAnswer"));
  const node = await nodeOf(row);
  const rt = runtimeOf(node, 30_000);
  const state = await rt.inspect(containerName(id)).catch((err: unknown) => {
    throw engineError(err, node, "read the container");
  });
  if (!state) throw new AppError("INVALID_STATE", ref("serverMessages.instance.noContainer"));
  return { row, node, rt, state };
}

function sinceSeconds(since: string | undefined): number {
  if (!since) return 0;
  return /^\d+$/.test(since) ? Number(since) : Math.floor(Date.parse(since) / 1000);
}

export async function instanceLogs(p: Principal, id: string, q: TLogsQuery) {
  const { node, rt, state } = await readableContainer(p, id);
  try {
    return await rt.logs(state.id, { tail: q.tail, since: sinceSeconds(q.since), timestamps: q.timestamps ?? false });
  } catch (err) {
    throw engineError(err, node, "read the logs");
  }
}

export async function instanceLogDownload(p: Principal, id: string, timestamps: boolean): Promise<{ name: string; stream: Readable }> {
  const { row, node, rt, state } = await readableContainer(p, id);
  try {
    return { name: row.name, stream: await rt.logStream(state.id, timestamps) };
  } catch (err) {
    throw engineError(err, node, "read the logs");
  }
}
