import "server-only";
import { parseRef } from "@/lib/i18n/message-ref";
import type {
  TCluster,
  TClusterCheck,
  TClusterOverview,
  TClusterTest,
  TCreateClusterRequest,
  TPartitionPrice,
  TSlurmJob,
  TSlurmNode,
  TSlurmPartition,
  TUpdateClusterRequest,
} from "@/lib/contracts/clusters";
import { expandHostlist } from "../adapters/slurm/hostlist";
import type { SlurmJob } from "../adapters/slurm/model";
import { isSlurmError, SlurmClient, SlurmError } from "../adapters/slurm/client";
import { HostKeyMismatchError, withSsh } from "../adapters/ssh";
import { audited, auditNote } from "../audit/audit.service";
import { isAdmin } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { seal } from "../crypto/secret-box";
import { nameTakenIn } from "../db/query";
import { AppError, isUniqueViolation, notFound, ref, validationError } from "../http/errors";
import { findProfile } from "../users/users.repo";
import { listStatusEvents } from "../nodes/nodes.repo";
import * as repo from "./clusters.repo";
import { checkClusterHealth } from "./cluster-health";
import { loginTarget } from "./login-node";
import { AUTH_CONTEXT, asAppError, clientOptionsOf, forget, LOGIN_KEY_CONTEXT, read, slurmUserProblem } from "./slurm-access";

// Slurm clusters: registration (credentials sealed, checked at once), the connection test,
// status history, user-name mappings, and what viewers read (status overview, nodes,
// partitions, and for administrators every job in the queue), from the shared cache.

const pricesOf = (row: repo.ClusterRow): TPartitionPrice[] => JSON.parse(row.prices) as TPartitionPrice[];

export function toDto(row: repo.ClusterRow, admin: boolean): TCluster {
  return {
    id: row.id,
    name: row.name,
    status: row.status as TCluster["status"],
    statusMessage: row.statusMessage,
    statusRef: parseRef(row.statusRef),
    release: row.release,
    apiVersion: row.apiVersion,
    lastCheckedAt: row.lastCheckedAt?.toISOString() ?? null,
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    hasLoginNode: loginTarget(row) !== null,
    lastTest: admin && row.lastTest ? (JSON.parse(row.lastTest) as TClusterTest) : null,
    prices: pricesOf(row),
    connection: admin
      ? {
          url: row.url,
          authMode: row.authMode as "token" | "key",
          serviceUser: row.serviceUser,
          hasCaCert: !!row.caCert,
          loginHost: row.loginHost,
          loginPort: row.loginPort,
          loginUser: row.loginUser,
          hasLoginKey: !!row.loginPrivateKeyEnc,
          loginHostKey: row.loginHostKey,
        }
      : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function loadCluster(id: string): Promise<repo.ClusterRow> {
  const row = await repo.findCluster(id);
  if (!row) throw notFound("Cluster");
  return row;
}

export async function listClusters(p: Principal, q: { page: number; pageSize: number }) {
  const { items, total } = await repo.listClusters(q);
  return { items: items.map((r) => toDto(r, isAdmin(p))), total };
}

export async function getCluster(p: Principal, id: string): Promise<TCluster> {
  return toDto(await loadCluster(id), isAdmin(p));
}

const NAME_TAKEN = () =>
  new AppError("CONFLICT", ref("serverMessages.nameExists.cluster"), { issues: [{ path: "name", message: "is already used by another cluster" }] });

async function assertNameFree(name: string, exceptId?: string): Promise<void> {
  if (nameTakenIn(await repo.clustersNamedLike(name), name, exceptId)) throw NAME_TAKEN();
}

/** Secrets that cannot work are refused before anything is stored, naming the field. */
function checkSecret(mode: string, secret: string): void {
  if (mode === "token" && !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(secret.trim()))
    throw validationError([
      { path: "authSecret", message: "must be a JWT (three base64url parts separated by dots), as `scontrol token` prints after SLURM_JWT=" },
    ]);
  if (mode === "key") {
    const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(secret.trim()) ? Buffer.from(secret.trim(), "base64") : Buffer.alloc(0);
    if (bytes.length < 16)
      throw validationError([{ path: "authSecret", message: "must be the HS256 key in base64 (base64 -w0 jwt_hs256.key), at least 16 bytes" }]);
  }
}

function checkLogin(l: { loginHost?: string | null; loginUser?: string | null; hasKey: boolean }): void {
  const any = !!l.loginHost || !!l.loginUser || l.hasKey;
  if (!any) return;
  const issues = [];
  if (!l.loginHost) issues.push({ path: "loginHost", message: "is required for a login node" });
  if (!l.loginUser) issues.push({ path: "loginUser", message: "is required for a login node" });
  if (!l.hasKey) issues.push({ path: "loginPrivateKey", message: "is required for a login node" });
  if (issues.length) throw validationError(issues);
}

function columnsOf(input: TUpdateClusterRequest) {
  const { authSecret, loginPrivateKey, prices, ...plain } = input;
  return {
    ...plain,
    ...(authSecret !== undefined ? { authSecretEnc: seal(authSecret.trim(), AUTH_CONTEXT) } : {}),
    ...(loginPrivateKey !== undefined ? { loginPrivateKeyEnc: loginPrivateKey === null ? null : seal(loginPrivateKey, LOGIN_KEY_CONTEXT) } : {}),
    ...(prices !== undefined ? { prices: JSON.stringify(prices) } : {}),
  };
}

function saved(err: unknown): never {
  if (isUniqueViolation(err)) throw NAME_TAKEN();
  throw err;
}

export async function createCluster(input: TCreateClusterRequest): Promise<TCluster> {
  checkSecret(input.authMode, input.authSecret);
  checkLogin({ loginHost: input.loginHost, loginUser: input.loginUser, hasKey: !!input.loginPrivateKey });
  await assertNameFree(input.name);
  auditNote({ detail: input });
  const row = await audited(async () => {
    const created = await repo
      .createCluster({ ...(columnsOf(input) as Required<ReturnType<typeof columnsOf>>), authSecretEnc: seal(input.authSecret.trim(), AUTH_CONTEXT) } as never)
      .catch(saved);
    auditNote({ target: { type: "cluster", id: created.id, name: created.name } });
    return created;
  });
  await checkClusterHealth(row);
  return toDto(await loadCluster(row.id), true);
}

/** What decides which slurmrestd answers and how the console is known there. */
const TARGET_FIELDS = ["url", "authMode", "authSecret", "serviceUser", "caCert"] as const;

export async function updateCluster(id: string, input: TUpdateClusterRequest): Promise<TCluster> {
  const row = await loadCluster(id);
  auditNote({ target: { type: "cluster", id, name: row.name }, detail: input });
  const mode = input.authMode ?? row.authMode;
  if (input.authSecret !== undefined) checkSecret(mode, input.authSecret);
  else if (input.authMode !== undefined && input.authMode !== row.authMode)
    throw validationError([{ path: "authSecret", message: "is required when the authentication mode changes" }]);
  checkLogin({
    loginHost: input.loginHost !== undefined ? input.loginHost : row.loginHost,
    loginUser: input.loginUser !== undefined ? input.loginUser : row.loginUser,
    hasKey: input.loginPrivateKey !== undefined ? !!input.loginPrivateKey : !!row.loginPrivateKeyEnc,
  });
  if (input.name !== undefined) await assertNameFree(input.name, id);
  const retarget = TARGET_FIELDS.some((f) => input[f] !== undefined && (f === "authSecret" || input[f] !== row[f]));
  // Another address may be another cluster: its job ids would not be the runs' jobs.
  if (input.url !== undefined && input.url !== row.url) {
    const { activeRuns } = await repo.clusterUse(id);
    if (activeRuns)
      throw new AppError(
        "CONFLICT",
        `Cluster ${row.name} has ${activeRuns} run(s) queued or running; its address can change once they end (cancel them, or wait)`,
        {
          issues: [{ path: "url", message: "cannot change while runs are active" }],
        },
      );
  }
  // Another login host is another machine: its key is pinned again at first contact.
  const newLogin = input.loginHost !== undefined && input.loginHost !== row.loginHost;
  const updated = await audited(() =>
    repo
      .updateCluster(id, { ...columnsOf(input), ...(retarget ? { apiVersion: null, lastTest: null } : {}), ...(newLogin ? { loginHostKey: null } : {}) })
      .catch(saved),
  );
  if (retarget) await checkClusterHealth(updated);
  return toDto(await loadCluster(id), true);
}

export async function deleteCluster(id: string): Promise<void> {
  const row = await loadCluster(id);
  auditNote({ target: { type: "cluster", id, name: row.name } });
  const use = await repo.clusterUse(id);
  if (use.jobs.length || use.activeRuns) {
    const names = use.jobs.map((j) => `"${j.name}"`).join(", ");
    throw new AppError(
      "CONFLICT",
      use.jobs.length
        ? `Cluster ${row.name} is used by jobs ${names}${use.jobs.length === 5 ? " and more" : ""}; delete them or move them to another cluster first`
        : `Cluster ${row.name} has ${use.activeRuns} run(s) still queued or running; cancel them first`,
    );
  }
  await audited(async () => {
    await repo.releaseDeletedJobs(id);
    await repo.deleteCluster(id);
  });
  forget(id);
}

export async function trustHostKey(id: string, hostKey: string): Promise<TCluster> {
  const row = await loadCluster(id);
  auditNote({ target: { type: "cluster", id, name: row.name }, detail: { fingerprint: hostKey, previous: row.loginHostKey } });
  const updated = await audited(() => repo.updateCluster(id, { loginHostKey: hostKey }));
  return toDto(updated, true);
}

export async function clusterEvents(id: string, q: { page: number; pageSize: number }) {
  await loadCluster(id);
  return listStatusEvents({ clusterId: id }, q);
}

/** The connection test: every check in order, the first failure skipping what depends on it. */
export async function testCluster(id: string): Promise<TClusterTest> {
  const row = await loadCluster(id);
  auditNote({ target: { type: "cluster", id, name: row.name } });
  const checks: TClusterCheck[] = [];
  let release: string | null = null;
  let version: string | null = null;
  let partitions: string[] = [];
  // A client of its own: the test asks slurmrestd now (and finds the version again), whatever the cache holds.
  const options = clientOptionsOf(row);
  const client = options ? new SlurmClient({ ...options, version: null }) : null;
  const answers = `slurmrestd answers at ${row.url}`;
  try {
    if (!client) throw new SlurmError("unreachable", "The URL is not usable");
    const found = await client.discover();
    version = found.version;
    release = found.ping.release;
    checks.push({ key: "reach", ok: true, message: answers });
    const down = found.ping.controllers.filter((c) => !c.up).map((c) => c.host);
    const controllers = down.length ? `; controller(s) not answering: ${down.join(", ")}` : "";
    checks.push({ key: "version", ok: true, message: `Slurm ${release ?? "(release not given)"}, REST API ${version}${controllers}` });
    // ping may need no credentials on some releases: reading jobs proves them.
    await client.jobs();
    const how = row.authMode === "key" ? "tokens minted from the key" : "the stored token";
    checks.push({ key: "auth", ok: true, message: `Signed in as ${row.serviceUser} (${how})` });
    partitions = (await client.partitions()).map((p) => p.name);
    checks.push({ key: "partitions", ok: partitions.length > 0, message: partitions.length ? partitions.join(", ") : "The cluster has no partitions" });
  } catch (err) {
    const e = isSlurmError(err) ? err : new SlurmError("api", "The check failed");
    const remaining = (["reach", "version", "auth", "partitions"] as const).filter((k) => !checks.some((c) => c.key === k));
    // Refused credentials are the auth check's failure, wherever they came (slurmrestd answered them).
    const failed = e.kind === "auth" ? "auth" : remaining[0];
    for (const key of remaining) {
      if (key === failed) checks.push({ key, ok: false, message: e.message });
      else if (key === "reach") checks.push({ key, ok: true, message: answers });
      else checks.push({ key, ok: null, message: "Skipped" });
    }
  }
  const login = await testLogin(row);
  checks.push(login.check);
  const ok = checks.every((c) => c.ok !== false);
  const result: TClusterTest = { testedAt: new Date().toISOString(), ok, release, apiVersion: version, partitions, checks, presentedHostKey: login.presented };
  auditNote({ detail: { ok, apiVersion: version } });
  await audited(() =>
    repo.updateCluster(id, {
      lastTest: JSON.stringify(result),
      ...(version ? { apiVersion: version, release } : {}),
      ...(login.pin ? { loginHostKey: login.pin } : {}),
    }),
  );
  await checkClusterHealth(await loadCluster(id));
  return result;
}

async function testLogin(row: repo.ClusterRow): Promise<{ check: TClusterCheck; pin: string | null; presented: string | null }> {
  const target = loginTarget(row);
  if (!target) return { check: { key: "login", ok: null, message: "No login node: job output is shown as paths" }, pin: null, presented: null };
  try {
    return await withSsh(target, async (s) => {
      await s.sftp();
      const pinned = target.pinnedHostKey;
      return {
        check: {
          key: "login",
          ok: true,
          message: `${target.username}@${target.host}:${target.port} answers, with SFTP; host key ${pinned ? "matches the pinned" : "pinned at first contact:"} ${s.hostKey}`,
        },
        pin: pinned ? null : s.hostKey,
        presented: s.hostKey,
      };
    });
  } catch (err) {
    const mismatch = err instanceof HostKeyMismatchError;
    return {
      check: { key: "login", ok: false, message: (err as Error).message },
      pin: null,
      presented: mismatch ? (err as HostKeyMismatchError).presented : null,
    };
  }
}

// --- What viewers read -------------------------------------------------------------------

async function readOrThrow<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asAppError(err);
  }
}

export async function clusterOverview(id: string): Promise<TClusterOverview> {
  const row = await loadCluster(id);
  const since = row.status === "healthy" ? await repo.healthySince(id) : null;
  const base: TClusterOverview = {
    status: row.status as TClusterOverview["status"],
    message: row.statusMessage,
    messageRef: parseRef(row.statusRef),
    checkedAt: row.lastCheckedAt?.toISOString() ?? null,
    healthySince: since?.toISOString() ?? null,
    release: row.release,
    apiVersion: row.apiVersion,
    nodes: { total: 0, byState: {} },
    cpus: { allocated: 0, total: 0 },
    gpus: { allocated: 0, total: 0 },
    memoryMb: { allocated: 0, total: 0 },
    jobs: { pending: 0, running: 0 },
    readAt: null,
  };
  try {
    const [nodes, jobs] = await Promise.all([read(row, "nodes"), read(row, "jobs")]);
    // A Map: a state named like an Object property ("constructor") is counted like any other.
    const byState = new Map<string, number>();
    for (const n of nodes.value) {
      const key = [n.state, ...n.stateFlags.filter((f) => ["DRAIN", "DRAINING", "NOT_RESPONDING", "MAINTENANCE", "RESERVED"].includes(f))]
        .join("+")
        .toLowerCase();
      byState.set(key, (byState.get(key) ?? 0) + 1);
    }
    const sum = (f: (n: (typeof nodes.value)[number]) => number) => nodes.value.reduce((a, n) => a + f(n), 0);
    return {
      ...base,
      nodes: { total: nodes.value.length, byState: Object.fromEntries(byState) },
      cpus: { allocated: sum((n) => n.allocCpus), total: sum((n) => n.cpus) },
      gpus: { allocated: sum((n) => n.allocGpus), total: sum((n) => n.gpus) },
      memoryMb: { allocated: sum((n) => n.allocMemoryMb), total: sum((n) => n.memoryMb) },
      jobs: { pending: jobs.value.filter((j) => j.state === "PENDING").length, running: jobs.value.filter((j) => j.state === "RUNNING").length },
      readAt: new Date(Math.min(nodes.readAt.getTime(), jobs.readAt.getTime())).toISOString(),
    };
  } catch {
    // The status and its message say why the figures are missing.
    return base;
  }
}

/** The cluster's nodes; which jobs run on each is for administrators (others see how many). */
export async function clusterNodes(p: Principal, id: string): Promise<{ items: TSlurmNode[]; readAt: string }> {
  const row = await loadCluster(id);
  const [nodes, jobs] = await readOrThrow(() => Promise.all([read(row, "nodes"), read(row, "jobs")]));
  const jobsOn = new Map<string, number[]>();
  for (const j of jobs.value) {
    if (j.state !== "RUNNING" && j.state !== "COMPLETING" && j.state !== "SUSPENDED") continue;
    for (const host of expandHostlist(j.nodes, 10_000)) jobsOn.set(host, [...(jobsOn.get(host) ?? []), j.jobId]);
  }
  return {
    items: nodes.value.map((n) => ({
      name: n.name,
      state: n.state,
      stateFlags: n.stateFlags,
      reason: n.reason,
      cpus: { allocated: n.allocCpus, total: n.cpus },
      memoryMb: { allocated: n.allocMemoryMb, total: n.memoryMb, free: n.freeMemoryMb },
      gpus: { allocated: n.allocGpus, total: n.gpus },
      gres: n.gres,
      partitions: n.partitions,
      jobs: isAdmin(p) ? (jobsOn.get(n.name) ?? []) : [],
      jobCount: jobsOn.get(n.name)?.length ?? 0,
    })),
    readAt: nodes.readAt.toISOString(),
  };
}

export async function clusterPartitions(id: string): Promise<{ items: TSlurmPartition[]; readAt: string }> {
  const row = await loadCluster(id);
  const parts = await readOrThrow(() => read(row, "partitions"));
  const prices = new Map(pricesOf(row).map((p) => [p.partition, p]));
  return {
    items: parts.value.map((p) => {
      const price = prices.get(p.name);
      return { ...p, price: price ? { cpuHourCents: price.cpuHourCents, gpuHourCents: price.gpuHourCents } : null };
    }),
    readAt: parts.readAt.toISOString(),
  };
}

export function slurmJobDto(j: SlurmJob, runId: string | null): TSlurmJob {
  return {
    jobId: j.jobId,
    name: j.name,
    user: j.userName,
    partition: j.partition,
    state: j.state,
    stateFlags: j.stateFlags,
    reason: j.reason,
    nodes: j.nodes,
    cpus: j.cpus,
    gpus: j.gpus,
    timeLimitMinutes: j.timeLimitMinutes,
    submittedAt: j.submitTime?.toISOString() ?? null,
    startedAt: j.startTime?.toISOString() ?? null,
    endedAt: j.endTime?.toISOString() ?? null,
    exitCode: j.exitCode,
    runId,
  };
}

/** Every job in the cluster's queue (administrators), newest first, filtered by state and user. */
export async function clusterJobs(id: string, q: { page: number; pageSize: number; state?: string; user?: string }) {
  const row = await loadCluster(id);
  const jobs = await readOrThrow(() => read(row, "jobs"));
  const state = q.state?.toUpperCase();
  const matching = jobs.value.filter((j) => (!state || j.state === state) && (!q.user || j.userName === q.user)).sort((a, b) => b.jobId - a.jobId);
  const page = matching.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
  const runs = await repo.runsBySlurmId(
    id,
    page.map((j) => j.jobId),
  );
  return { items: page.map((j) => slurmJobDto(j, runs.get(j.jobId) ?? null)), total: matching.length, readAt: jobs.readAt.toISOString() };
}

// --- User names --------------------------------------------------------------------------

export async function clusterUsers(id: string, q: { page: number; pageSize: number }) {
  await loadCluster(id);
  return repo.listUserMaps(id, q);
}

export async function setClusterUser(id: string, userId: string, slurmUser: string) {
  const row = await loadCluster(id);
  const problem = slurmUserProblem(row, slurmUser);
  if (problem) throw validationError([{ path: "slurmUser", message: problem }]);
  auditNote({ target: { type: "cluster", id, name: row.name }, detail: { userId, slurmUser } });
  if (!(await findProfile(userId))) throw notFound("User");
  const m = await audited(() => repo.setUserMap(id, userId, slurmUser));
  return m;
}

export async function removeClusterUser(id: string, userId: string) {
  const row = await loadCluster(id);
  auditNote({ target: { type: "cluster", id, name: row.name }, detail: { userId } });
  const deleted = await audited(() => repo.removeUserMap(id, userId));
  return { deleted };
}
