import "server-only";
import { db, type Prisma, type Tx, transaction } from "../db/client";
import { emit } from "../events";
import { containsText, inChunks, pageArgs } from "../db/query";
import { fastRows } from "../db/fast-reads";
import { env } from "../env";
import type { NodeRow } from "../nodes/nodes.repo";
import type { Held } from "../nodes/capacity";
import type { AllocationRow } from "./placement";

// Prisma access for instances and the allocation rows they hold.

const withRelations = {
  user: { select: { username: true } },
  node: { select: { name: true } },
  allocations: { select: { gpuIndex: true, gpuMemoryGb: true, exclusive: true }, orderBy: { gpuIndex: "asc" } },
} satisfies Prisma.InstanceInclude;

export type InstanceRow = Prisma.InstanceGetPayload<{ include: typeof withRelations }>;
export type InstanceData = Omit<Prisma.InstanceUncheckedCreateInput, "id" | "nodeId" | "memorySplit" | "status">;

/** Statuses of an instance that exists (not deleted). */
export const LIVE = { not: "deleted" } as const;

export type InstanceListQuery = { page: number; pageSize: number; name?: string; status?: string; nodeId?: string; userId?: string };

type InstanceScalars = Omit<InstanceRow, "user" | "node" | "allocations">;

/** Every column of Instance, by name: the list builds its rows from exactly these. */
const INSTANCE_COLUMNS = [
  "id",
  "name",
  "remark",
  "userId",
  "imageId",
  "specId",
  "nodeId",
  "status",
  "statusMessage",
  "statusRef",
  "exitCode",
  "imageName",
  "imageAddress",
  "apps",
  "specName",
  "gpuModel",
  "gpuCount",
  "gpuMemoryGb",
  "memorySplit",
  "cpuCores",
  "memoryGb",
  "systemDiskGb",
  "dataDiskGb",
  "pricePerHourCents",
  "withoutGpu",
  "containerId",
  "volumeName",
  "leaseOwner",
  "leaseUntil",
  "createdAt",
  "updatedAt",
  "startedAt",
  "stoppedAt",
  "deletedAt",
  "meteredUntil",
  "meteredMs",
  "jobRunId",
] as const satisfies readonly (keyof InstanceScalars)[];
// A column added to the model must be added above (and to fromJson below): this fails to compile until it is.
const allColumnsListed: Exclude<keyof InstanceScalars, (typeof INSTANCE_COLUMNS)[number]> extends never ? true : false = true;
void allColumnsListed;

/**
 * One page of instances and the total, in one SQL statement: the API's busiest read. Through
 * findMany with its relations it took five queries (page, user, node, allocations, count),
 * and each Prisma query costs far more CPU than the database spends on it; each row comes
 * back as one JSON value, which the database builds faster than 38 columns are mapped, and
 * the statement stays prepared on a read connection (db/fast-reads).
 * The rows are exactly what findMany with `withRelations` gives (list.int.test.ts compares).
 */
/** The page and its total in one statement, each row built as JSON by the database. */
export function listStatement(q: InstanceListQuery): { sql: string; values: unknown[] } {
  const postgres = env().dbProvider === "postgres";
  const values: unknown[] = [];
  const param = (v: unknown) => {
    values.push(v);
    return postgres ? `$${values.length}` : "?";
  };
  // The same filter twice (the page and its count), with its own parameters each time.
  const filter = (t: string) =>
    [
      q.status ? `${t}."status" = ${param(q.status)}` : `${t}."status" <> 'deleted'`,
      // Job runs' workloads are shown as the runs. Written so that no index can serve it: SQLite
      // (without statistics) would otherwise read every instance through the unique jobRunId
      // index, whose keys are almost all NULL, and sort them, instead of walking the createdAt
      // (or userId, createdAt) index and stopping after a page.
      `COALESCE(${t}."jobRunId", '') = ''`,
      // Like Prisma's `contains` here: case-insensitive (SQLite's LIKE: ASCII), but wildcards literal.
      q.name ? `${t}."name" ${postgres ? "ILIKE" : "LIKE"} ${param(`%${q.name.replace(/[\\%_]/g, "\\$&")}%`)} ESCAPE '\\'` : null,
      q.nodeId ? `${t}."nodeId" = ${param(q.nodeId)}` : null,
      q.userId ? `${t}."userId" = ${param(q.userId)}` : null,
    ]
      .filter(Boolean)
      .join(" AND ");
  const where = filter("i");
  const whereCount = filter("c");
  const { skip, take } = pageArgs(q);
  // SQLite sorts for a LIMIT it can read in the statement faster than for a bound one; the
  // numbers are whole (from the validated query), and each page's statement stays prepared.
  const page = (n: number) => {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a row count: ${n}`);
    return postgres ? param(n) : String(n);
  };
  const object = postgres ? "json_build_object" : "json_object";
  const allocation = `${object}('gpuIndex', a."gpuIndex", 'gpuMemoryGb', a."gpuMemoryGb", 'exclusive', a."exclusive")`;
  const allocations = postgres
    ? `(SELECT COALESCE(json_agg(${allocation} ORDER BY a."gpuIndex"), '[]'::json) FROM "Allocation" a WHERE a."instanceId" = i."id")`
    : // json(): a subquery's result would otherwise be embedded as a string.
      `json((SELECT json_group_array(${allocation}) FROM "Allocation" a WHERE a."instanceId" = i."id"))`;
  const row = `${object}(${INSTANCE_COLUMNS.map((c) => `'${c}', i."${c}"`).join(", ")}, 'username', u."username", 'nodeName', n."name", 'allocations', ${allocations})`;
  const sql = `SELECT ${row} AS "row", (SELECT COUNT(*) FROM "Instance" c WHERE ${whereCount}) AS "total"
    FROM "Instance" i JOIN "User" u ON u."id" = i."userId" LEFT JOIN "Node" n ON n."id" = i."nodeId"
    WHERE ${where} ORDER BY i."createdAt" DESC, i."id" DESC LIMIT ${page(take)} OFFSET ${page(skip)}`;
  return { sql, values };
}

export async function listInstances(q: InstanceListQuery): Promise<{ items: InstanceRow[]; total: number }> {
  const { sql, values } = listStatement(q);
  // PostgreSQL answers the count (a bigint) as text.
  const rows = await fastRows<{ row: string | JsonRow; total: number | string }>(sql, values);
  if (!rows.length) return { items: [], total: q.page === 1 ? 0 : await db().instance.count({ where: listWhere(q) }) };
  return { items: rows.map((r) => fromJson(typeof r.row === "string" ? (JSON.parse(r.row) as JsonRow) : r.row)), total: Number(rows[0]!.total) };
}

function listWhere(q: InstanceListQuery): Prisma.InstanceWhereInput {
  return {
    status: q.status ?? LIVE,
    jobRunId: null,
    ...(q.name ? { name: containsText(q.name) } : {}),
    ...(q.nodeId ? { nodeId: q.nodeId } : {}),
    ...(q.userId ? { userId: q.userId } : {}),
  };
}

/** A row as the database's JSON functions write it: times as text, booleans 0/1 on SQLite. */
type JsonOf<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] extends boolean ? boolean | number : T[K] };
type JsonAllocation = { gpuIndex: number | null; gpuMemoryGb: number; exclusive: boolean | number };
type JsonRow = JsonOf<InstanceScalars> & { username: string; nodeName: string | null; allocations: JsonAllocation[] };

/** A stored time: ISO text with an offset (SQLite), or without one, which means UTC (PostgreSQL's timestamp). */
function time(value: string): Date {
  return new Date(/(Z|[+-]\d\d:?\d\d)$/i.test(value) ? value : `${value.replace(" ", "T")}Z`);
}
const maybeTime = (value: string | null): Date | null => (value === null ? null : time(value));

/** Every field by name (the compiler insists on each), in one literal: the cheapest object to build. */
function fromJson(j: JsonRow): InstanceRow {
  return {
    id: j.id,
    name: j.name,
    remark: j.remark,
    userId: j.userId,
    imageId: j.imageId,
    specId: j.specId,
    nodeId: j.nodeId,
    status: j.status,
    statusMessage: j.statusMessage,
    statusRef: j.statusRef,
    exitCode: j.exitCode,
    imageName: j.imageName,
    imageAddress: j.imageAddress,
    apps: j.apps,
    specName: j.specName,
    gpuModel: j.gpuModel,
    gpuCount: j.gpuCount,
    gpuMemoryGb: j.gpuMemoryGb,
    memorySplit: Boolean(j.memorySplit),
    cpuCores: j.cpuCores,
    memoryGb: j.memoryGb,
    systemDiskGb: j.systemDiskGb,
    dataDiskGb: j.dataDiskGb,
    pricePerHourCents: j.pricePerHourCents,
    withoutGpu: Boolean(j.withoutGpu),
    containerId: j.containerId,
    volumeName: j.volumeName,
    leaseOwner: j.leaseOwner,
    leaseUntil: maybeTime(j.leaseUntil),
    createdAt: time(j.createdAt),
    updatedAt: time(j.updatedAt),
    startedAt: maybeTime(j.startedAt),
    stoppedAt: maybeTime(j.stoppedAt),
    deletedAt: maybeTime(j.deletedAt),
    meteredUntil: maybeTime(j.meteredUntil),
    meteredMs: j.meteredMs,
    jobRunId: j.jobRunId,
    user: { username: j.username },
    node: j.nodeId === null || j.nodeName === null ? null : { name: j.nodeName },
    // Prisma's order: by GPU index, rows without one (CPU-only allocations) first.
    allocations: j.allocations
      .map((a) => ({ gpuIndex: a.gpuIndex, gpuMemoryGb: a.gpuMemoryGb, exclusive: Boolean(a.exclusive) }))
      .sort((a, b) => (a.gpuIndex ?? -1) - (b.gpuIndex ?? -1)),
  };
}

export function findInstance(id: string): Promise<InstanceRow | null> {
  return db().instance.findUnique({ where: { id }, include: withRelations });
}

export function updateInstance(id: string, data: Prisma.InstanceUncheckedUpdateInput): Promise<InstanceRow> {
  return db().instance.update({ where: { id }, data, include: withRelations });
}

/**
 * The one way an instance's state changes outside placement: an UPDATE guarded by `where`
 * (a compare-and-set on status, lease or updatedAt) and, when `release` is set and the
 * update happened, deleting its allocation rows in the same transaction, so no other
 * operation can take allocations in between and lose them. True if the row changed.
 */
async function guarded(id: string, where: Prisma.InstanceWhereInput, data: Prisma.InstanceUncheckedUpdateManyInput, release = false): Promise<boolean> {
  return transaction(async (tx) => {
    const { count } = await tx.instance.updateMany({ where: { ...where, id }, data });
    if (count > 0 && release) await tx.allocation.deleteMany({ where: { instanceId: id } });
    if (count > 0 && typeof data.status === "string") emit("instance.changed", { instanceId: id, status: data.status });
    return count > 0;
  });
}

/** Moves an instance to new values only while its status is one of `from` (the compare-and-set that keeps two actors from both acting). */
export function transition(
  id: string,
  from: readonly string[],
  data: Prisma.InstanceUncheckedUpdateManyInput,
  opts: { release?: boolean } = {},
): Promise<boolean> {
  return guarded(id, { status: { in: [...from] } }, data, opts.release);
}

export type Locked = { node: NodeRow; held: Held[] };

/**
 * Runs `fn` while holding the node's allocation lock: the UPDATE of allocationVersion locks
 * the node row until commit on PostgreSQL, and SQLite runs one transaction at a time. Inside,
 * `held` is every allocation on the node as committed by earlier placements.
 */
export async function withNodeLock<T>(nodeId: string, fn: (tx: Tx, locked: Locked) => Promise<T>): Promise<T> {
  return transaction(
    async (tx) => {
      const node = await tx.node.update({ where: { id: nodeId }, data: { allocationVersion: { increment: 1 } } });
      const held = await tx.allocation.findMany({
        where: { nodeId },
        select: { gpuIndex: true, gpuMemoryGb: true, exclusive: true, cpuCores: true, memoryGb: true },
      });
      return fn(tx, { node, held });
    },
    { maxWait: 30_000, timeout: 30_000 },
  );
}

/** The workload made for a job run, if any. */
export async function workloadOfRun(runId: string): Promise<string | null> {
  return (await db().instance.findUnique({ where: { jobRunId: runId }, select: { id: true } }))?.id ?? null;
}

/** Job runs' workloads on a node that hold it (being made, running, or unseen while it does not answer). */
/** A user's instances (not deleted, job runs' workloads left out), counted with their row locked (concurrent launches wait). */
export async function lockedInstanceCount(tx: Tx, userId: string): Promise<number> {
  await tx.user.updateMany({ where: { id: userId }, data: { balanceCents: { increment: 0 } } });
  return tx.instance.count({ where: { userId, status: { not: "deleted" }, jobRunId: null } });
}

export function jobWorkloadsOn(tx: Tx, nodeId: string): Promise<number> {
  return tx.instance.count({ where: { nodeId, jobRunId: { not: null }, status: { in: ["creating", "running", "unknown"] } } });
}

/** Inserts a new instance (`creating`) with its allocation rows; its volume is named after its id. */
export async function insertInstance(
  tx: Tx,
  data: InstanceData & { nodeId: string; memorySplit: boolean },
  rows: AllocationRow[],
  volumeOf: (id: string) => string,
): Promise<string> {
  const { id } = await tx.instance.create({ data: { ...data, status: "creating" }, select: { id: true } });
  await tx.instance.update({ where: { id }, data: { volumeName: volumeOf(id) }, select: { id: true } });
  await insertAllocations(tx, id, data.nodeId, rows);
  emit("instance.changed", { instanceId: id, status: "creating" });
  return id;
}

export async function insertAllocations(tx: Tx, instanceId: string, nodeId: string, rows: AllocationRow[]): Promise<void> {
  await tx.allocation.createMany({ data: rows.map((r) => ({ ...r, instanceId, nodeId })) });
}

export async function releaseAllocations(instanceId: string): Promise<void> {
  await db().allocation.deleteMany({ where: { instanceId } });
}

/** Live instances on the given nodes, for the reconciler. */
export function liveOnNodes(nodeIds: string[]): Promise<InstanceRow[]> {
  return db().instance.findMany({ where: { nodeId: { in: nodeIds }, status: LIVE }, include: withRelations });
}

/** Instances being created whose creator's claim has lapsed (its process is gone). */
export function lapsedCreations(now: Date): Promise<InstanceRow[]> {
  return db().instance.findMany({ where: { status: "creating", OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] }, include: withRelations });
}

/** Takes over a lapsed creation; false when another process took it first. */
export function claimLapsed(id: string, owner: string, until: Date, now: Date): Promise<boolean> {
  return guarded(id, { status: "creating", OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] }, { leaseOwner: owner, leaseUntil: until });
}

/** Extends a claim while its operation works. */
export async function renewLease(id: string, owner: string, until: Date): Promise<void> {
  await db().instance.updateMany({ where: { id, leaseOwner: owner }, data: { leaseUntil: until } });
}

/** Names of up to `limit` live instances using an image, spec or node (for 409 messages). */
export async function liveUsers(by: { imageId?: string; specId?: string; nodeId?: string }, limit = 5): Promise<{ names: string[]; total: number }> {
  const where: Prisma.InstanceWhereInput = { ...by, status: LIVE };
  const [rows, total] = await Promise.all([
    db().instance.findMany({ where, select: { name: true }, orderBy: { createdAt: "asc" }, take: limit }),
    db().instance.count({ where }),
  ]);
  return { names: rows.map((r) => r.name), total };
}

/** Claims an instance for one operation: only from `from`, only when no live claim holds it. */
export function claim(id: string, from: readonly string[], owner: string, until: Date, now: Date): Promise<boolean> {
  return guarded(id, { status: { in: [...from] }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] }, { leaseOwner: owner, leaseUntil: until });
}

/** Writes an operation's outcome and releases its claim, only if the claim is still ours (and, given `status`, the row still in it). */
export function settle(
  id: string,
  owner: string,
  data: Prisma.InstanceUncheckedUpdateManyInput,
  opts: { release?: boolean; status?: string } = {},
): Promise<boolean> {
  return guarded(id, { leaseOwner: owner, ...(opts.status ? { status: opts.status } : {}) }, { ...data, leaseOwner: null, leaseUntil: null }, opts.release);
}

/**
 * Applies what the reconciler observed, only if nothing touched the row since it was read
 * (same updatedAt) and no operation holds it.
 */
export function applyObserved(
  row: Pick<InstanceRow, "id" | "updatedAt">,
  data: Prisma.InstanceUncheckedUpdateManyInput,
  now: Date,
  opts: { release?: boolean } = {},
): Promise<boolean> {
  return guarded(row.id, { updatedAt: row.updatedAt, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] }, data, opts.release);
}

/** The status of each of these instance ids that has a row. */
export async function statusesOf(ids: string[]): Promise<Map<string, string>> {
  const rows = await inChunks(ids, (chunk) => db().instance.findMany({ where: { id: { in: chunk } }, select: { id: true, status: true } }));
  return new Map(rows.map((r) => [r.id, r.status]));
}

export function countRunning(): Promise<number> {
  return db().instance.count({ where: { status: "running", jobRunId: null } });
}

/** A user's running instances (job runs' workloads are cancelled as runs, not stopped here). */
export function runningOf(userId: string): Promise<InstanceRow[]> {
  return db().instance.findMany({ where: { userId, status: "running", jobRunId: null }, include: withRelations });
}

/** The GPUs each running instance on a node holds (indexes). */
export async function gpuHolders(nodeId: string): Promise<{ instanceId: string; indexes: number[] }[]> {
  const rows = await db().allocation.findMany({
    where: { nodeId, gpuIndex: { not: null }, instance: { status: "running" } },
    select: { instanceId: true, gpuIndex: true },
  });
  const by = new Map<string, number[]>();
  for (const r of rows) by.set(r.instanceId, [...(by.get(r.instanceId) ?? []), r.gpuIndex!]);
  return [...by].map(([instanceId, indexes]) => ({ instanceId, indexes }));
}

/** Running instances with the GPUs they hold. */
export function listRunning(): Promise<{ id: string; nodeId: string | null; allocations: { gpuIndex: number | null; gpuMemoryGb: number }[] }[]> {
  return db().instance.findMany({
    where: { status: "running" },
    select: { id: true, nodeId: true, allocations: { select: { gpuIndex: true, gpuMemoryGb: true } } },
  });
}

/**
 * A user's instances (not job runs, not deleted) that `ref` names: its id, or its name (two
 * of the same name both answer). At most two rows.
 */
export function findByIdOrName(userId: string, ref: string) {
  return db().instance.findMany({
    where: { userId, jobRunId: null, status: { not: "deleted" }, OR: [{ id: ref }, { name: ref }] },
    select: { id: true, name: true, status: true, userId: true },
    orderBy: [{ createdAt: "desc" }],
    take: 2,
  });
}
