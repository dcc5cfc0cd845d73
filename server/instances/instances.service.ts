import "server-only";
import type { TUpdateInstanceRequest } from "@/lib/contracts/instances";
import { isAdmin } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { notFound } from "../http/errors";
import { toDto } from "./instance-dto";
import * as repo from "./instances.repo";

// Instances as their owners (and administrators) read them. The use cases that change an
// instance each have a file of their own: launch, provision, start, stop, restart, delete,
// logs, stats; reconcile compares instances with their nodes.

/**
 * The caller's instance (admins: any). Another user's answers 404, as a missing one does; so
 * does a job run's workload (the run is managed through the jobs API).
 */
export async function loadOwned(p: Principal, id: string, opts: { deleted?: boolean } = {}): Promise<repo.InstanceRow> {
  const row = await repo.findInstance(id);
  if (!row || row.jobRunId || (row.userId !== p.userId && !isAdmin(p)) || (row.status === "deleted" && !opts.deleted)) throw notFound("Instance");
  return row;
}

export async function listInstances(p: Principal, q: repo.InstanceListQuery) {
  const { items, total } = await repo.listInstances(isAdmin(p) ? q : { ...q, userId: p.userId });
  return { items: items.map((row) => toDto(row)), total };
}

export async function getInstance(p: Principal, id: string) {
  return toDto(await loadOwned(p, id));
}

export async function updateInstance(p: Principal, id: string, input: TUpdateInstanceRequest) {
  await loadOwned(p, id);
  return toDto(await repo.updateInstance(id, input));
}
