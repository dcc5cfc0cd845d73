import "server-only";
import { createHash } from "node:crypto";
import { isSlurmError, SlurmClient, type SlurmClientOptions } from "../adapters/slurm/client";
import type { SlurmJob, SlurmNode, SlurmPartition, SlurmPing } from "../adapters/slurm/model";
import { parseEndpoint } from "../adapters/slurm/transport";
import { unseal } from "../crypto/secret-box";
import { env } from "../env";
import { AppError } from "../http/errors";
import { processSingleton } from "../singleton";
import type { ClusterRow } from "./clusters.repo";
import * as repo from "./clusters.repo";

// How the console reaches a cluster: one slurmrestd client per cluster (made again when the
// cluster's row changes), and the cluster's reads cached per kind for SLURM_POLL_SEC, shared
// by every viewer and run watcher of this process: at most one request per kind per period
// (failures are kept as long, so an unreachable cluster is not asked again by each viewer).
// A submit or cancel makes the next jobs read fresh.

export const AUTH_CONTEXT = "slurm.auth";
export const LOGIN_KEY_CONTEXT = "slurm.login-key";

const clients = processSingleton("slurm-clients", () => new Map<string, { stamp: string; client: SlurmClient }>());

/** How to reach a cluster as stored (null: its URL is not usable). */
export function clientOptionsOf(row: ClusterRow): SlurmClientOptions | null {
  const endpoint = parseEndpoint(row.url, row.caCert);
  if (!endpoint) return null;
  const secret = unseal(row.authSecretEnc, AUTH_CONTEXT);
  return {
    endpoint,
    auth: row.authMode === "key" ? { mode: "key", key: new Uint8Array(Buffer.from(secret, "base64")) } : { mode: "token", token: secret },
    serviceUser: row.serviceUser,
    version: row.apiVersion,
  };
}

/**
 * What decides how a cluster is reached: reads and clients are kept per cluster while these
 * stay the same (a health check that writes the row changes nothing here).
 */
function stampOf(row: ClusterRow): string {
  return createHash("sha256")
    .update(JSON.stringify([row.url, row.caCert, row.authMode, row.authSecretEnc, row.serviceUser]))
    .digest("base64url")
    .slice(0, 16);
}

export function clientOf(row: ClusterRow): SlurmClient {
  const stamp = stampOf(row);
  const kept = clients.get(row.id);
  if (kept?.stamp === stamp) return kept.client;
  const options = clientOptionsOf(row);
  if (!options) throw new AppError("CLUSTER_ERROR", "The cluster's URL is not usable");
  const client = new SlurmClient(options);
  clients.set(row.id, { stamp, client });
  return client;
}

type Kinds = { ping: SlurmPing; jobs: SlurmJob[]; nodes: SlurmNode[]; partitions: SlurmPartition[] };
type Kind = keyof Kinds;
type Entry = { at: number; value?: unknown; error?: unknown; pending?: Promise<void> };

const cache = processSingleton("slurm-cache", () => new Map<string, Entry>());

export type Read<T> = { value: T; readAt: Date };

/** A cluster's `kind`, read at most once per SLURM_POLL_SEC (concurrent callers share one request). */
export async function read<K extends Kind>(row: ClusterRow, kind: K): Promise<Read<Kinds[K]>> {
  const stamp = stampOf(row);
  const key = `${row.id}:${stamp}:${kind}`;
  const ttl = env().SLURM_POLL_SEC * 1000;
  let e = cache.get(key);
  if (!e) {
    // The cluster's connection changed: what was read the old way goes.
    for (const k of cache.keys()) if (k.startsWith(`${row.id}:`) && k.endsWith(`:${kind}`)) cache.delete(k);
  }
  if (!e || (!e.pending && Date.now() - e.at >= ttl)) {
    const entry: Entry = e ?? { at: 0 };
    entry.pending = (async () => {
      try {
        const c = clientOf(row);
        entry.value = await (kind === "ping" ? c.ping() : kind === "jobs" ? c.jobs() : kind === "nodes" ? c.nodes() : c.partitions());
        entry.error = undefined;
      } catch (err) {
        entry.error = err;
      } finally {
        entry.at = Date.now();
        entry.pending = undefined;
      }
    })();
    cache.set(key, entry);
    e = entry;
  }
  if (e.pending) await e.pending;
  if (e.error) throw asAppError(e.error);
  return { value: e.value as Kinds[K], readAt: new Date(e.at) };
}

/** The next read of `kind` asks slurmrestd again (after this process changed something there). */
export function invalidate(clusterId: string, kind: Kind): void {
  for (const [key, e] of cache) if (key.startsWith(`${clusterId}:`) && key.endsWith(`:${kind}`) && !e.pending) e.at = 0;
}

const rows = processSingleton("slurm-cluster-rows", () => new Map<string, { at: number; row: Promise<ClusterRow | null> }>());

/**
 * A cluster's row as stored, read at most once a second however many runs follow jobs there
 * (its address, credentials and prices may change while they run).
 */
export function clusterNow(id: string): Promise<ClusterRow | null> {
  const kept = rows.get(id);
  if (kept && Date.now() - kept.at < 1_000) return kept.row;
  const row = repo.findCluster(id);
  rows.set(id, { at: Date.now(), row });
  row.catch(() => rows.delete(id));
  return row;
}

/** Forget a cluster (deleted). */
export function forget(clusterId: string): void {
  clients.delete(clusterId);
  rows.delete(clusterId);
  for (const key of cache.keys()) if (key.startsWith(`${clusterId}:`)) cache.delete(key);
}

/** A Slurm failure as the API says it (502 with the kind), other errors unchanged. */
export function asAppError(err: unknown): unknown {
  if (!isSlurmError(err)) return err;
  const code = err.kind === "unreachable" || err.kind === "not_slurm" ? "CLUSTER_UNREACHABLE" : err.kind === "auth" ? "CLUSTER_AUTH_FAILED" : "CLUSTER_ERROR";
  return new AppError(code, err.message);
}

/** Accounts jobs never run as, whatever a mapping or a username says. */
export const RESERVED_SLURM_USERS = new Set(["root", "slurm", "slurmrestd", "munge", "daemon", "bin", "sys", "adm", "nobody", "nogroup"]);

/** Why a Slurm user name cannot be used on a cluster (null: it can). */
export function slurmUserProblem(row: Pick<ClusterRow, "serviceUser" | "loginUser">, name: string): string | null {
  if (RESERVED_SLURM_USERS.has(name) || name === row.serviceUser || name === row.loginUser) return `jobs never run as ${name} (a system or service account)`;
  return null;
}

/**
 * The Slurm user a console user submits as on a cluster: an administrator's mapping, else
 * their username, but only for accounts an administrator made (an open registration could
 * otherwise claim any cluster user's name); never a system or service account.
 */
export async function slurmUserFor(row: ClusterRow, userId: string): Promise<{ user: string } | { refused: string }> {
  const id = await repo.slurmIdentity(row.id, userId);
  const name = id?.mapped ?? (id && !id.selfRegistered ? id.username : null);
  if (!name) return { refused: `Your account has no Slurm user on ${row.name}: an administrator maps it to one (Clusters → User names)` };
  const problem = slurmUserProblem(row, name);
  return problem
    ? { refused: `Cannot submit to ${row.name} as ${name}: ${problem}; an administrator maps your account to your own Slurm user` }
    : { user: name };
}
