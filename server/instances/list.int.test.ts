// The instance list's single SQL statement against the real SQLite and PostgreSQL: every
// filter, page and order gives exactly the rows (relations included) and total that Prisma's
// findMany/count give, names match literally (% and _ too) and without regard to case, and
// the rows are what the API's response schema accepts.
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "@/lib/contracts";
import { db } from "../db/client";
import { fastRows } from "../db/fast-reads";
import { env } from "../env";
import { containsText } from "../db/query";
import { type InstanceListQuery, type InstanceRow, listInstances, listStatement } from "./instances.repo";
import { toDto } from "./instance-dto";

const tag = randomBytes(3).toString("hex");
let alice: string;
let bob: string;
let nodeA: string;

async function reference(q: InstanceListQuery): Promise<{ items: InstanceRow[]; total: number }> {
  const where = {
    status: q.status ?? { not: "deleted" },
    ...(q.name ? { name: containsText(q.name) } : {}),
    ...(q.nodeId ? { nodeId: q.nodeId } : {}),
    ...(q.userId ? { userId: q.userId } : {}),
  };
  const [items, total] = await Promise.all([
    db().instance.findMany({
      where,
      include: {
        user: { select: { username: true } },
        node: { select: { name: true } },
        allocations: { select: { gpuIndex: true, gpuMemoryGb: true, exclusive: true }, orderBy: { gpuIndex: "asc" } },
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    }),
    db().instance.count({ where }),
  ]);
  return { items, total };
}

/** Allocations without a GPU sort first here and last in PostgreSQL's Prisma order: compare by index. */
const normal = (r: { items: InstanceRow[]; total: number }) => ({
  total: r.total,
  items: r.items.map((i) => ({ ...i, allocations: [...i.allocations].sort((a, b) => (a.gpuIndex ?? -1) - (b.gpuIndex ?? -1)) })),
});

beforeAll(async () => {
  const user = (name: string) =>
    db()
      .user.create({ data: { username: `${name}-${tag}`, email: `${name}-${tag}@test.local`, passwordHash: "-" }, select: { id: true } })
      .then((u) => u.id);
  alice = await user("alice");
  bob = await user("bob");
  nodeA = (await db().node.create({ data: { name: `node-a-${tag}`, dockerAddress: "unix:///var/run/docker.sock" }, select: { id: true } })).id;
  const names = ["Train-Big", "train_small", "eval%run", "evalXrun", "notebook", "back\\slash", "gpu-job", "stopped-one", "gone"];
  for (const [k, name] of names.entries()) {
    const row = await db().instance.create({
      data: {
        name,
        userId: k % 2 ? bob : alice,
        nodeId: k % 3 || name === "gpu-job" ? nodeA : null,
        status: name === "gone" ? "deleted" : name === "stopped-one" ? "stopped" : "running",
        remark: k === 0 ? "first" : null,
        imageName: "img",
        imageAddress: "busybox",
        specName: "spec",
        gpuModel: name === "gpu-job" ? "RTX" : null,
        gpuCount: name === "gpu-job" ? 2 : 0,
        memorySplit: k === 4,
        withoutGpu: k === 5,
        cpuCores: 1 + k,
        memoryGb: 2,
        pricePerHourCents: 100 + k,
        volumeName: `v-${tag}-${k}`,
        // Two share a creation time: the id breaks the tie.
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, k === 2 ? 1 : k)),
        startedAt: k % 2 ? new Date(Date.UTC(2026, 0, 2)) : null,
        meteredMs: k * 1000.5,
        exitCode: k === 7 ? 137 : null,
      },
      select: { id: true },
    });
    if (name === "gpu-job" || name === "notebook") {
      await db().allocation.createMany({
        data: [
          { nodeId: nodeA, instanceId: row.id, gpuIndex: null, cpuCores: 2, memoryGb: 4 },
          { nodeId: nodeA, instanceId: row.id, gpuIndex: 1, gpuMemoryGb: 24, exclusive: true },
          { nodeId: nodeA, instanceId: row.id, gpuIndex: 0, gpuMemoryGb: 8, exclusive: false },
        ],
      });
    }
  }
});

describe("listInstances", () => {
  const cases: [string, () => InstanceListQuery][] = [
    ["all, first page", () => ({ page: 1, pageSize: 20 })],
    ["pages of 3", () => ({ page: 2, pageSize: 3 })],
    ["last partial page", () => ({ page: 3, pageSize: 3 })],
    ["past the end", () => ({ page: 9, pageSize: 3 })],
    ["one user's", () => ({ page: 1, pageSize: 20, userId: alice })],
    ["by node", () => ({ page: 1, pageSize: 20, nodeId: nodeA })],
    ["by status", () => ({ page: 1, pageSize: 20, status: "stopped" })],
    ["deleted ones only when asked", () => ({ page: 1, pageSize: 20, status: "deleted" })],
    ["name, any case", () => ({ page: 1, pageSize: 20, name: "TRAIN" })],
    ["everything at once", () => ({ page: 1, pageSize: 2, userId: bob, nodeId: nodeA, name: "a" })],
    ["nothing matches", () => ({ page: 1, pageSize: 20, userId: bob, status: "deleted" })],
  ];
  for (const [label, query] of cases) {
    it(`gives what findMany gives: ${label}`, async () => {
      const q = query();
      const got = await listInstances(q);
      expect(normal(got)).toEqual(normal(await reference(q)));
    });
  }

  // Unlike Prisma's `contains`, which handed % and _ to LIKE as wildcards (and a backslash as an escape on PostgreSQL).
  it("finds names literally and ignoring case", async () => {
    const names = async (name: string) => (await listInstances({ page: 1, pageSize: 20, name })).items.map((i) => i.name).sort();
    expect(await names("TRAIN")).toEqual(["Train-Big", "train_small"]);
    expect(await names("eval%")).toEqual(["eval%run"]);
    expect(await names("n_s")).toEqual(["train_small"]);
    expect(await names("k\\s")).toEqual(["back\\slash"]);
  });

  it("answers rows the API's response schema accepts, GPUs by index", async () => {
    const { items, total } = await listInstances({ page: 1, pageSize: 20 });
    const wire = api.listInstances.response.parse(JSON.parse(JSON.stringify({ items: items.map((row) => toDto(row)), total, page: 1, pageSize: 20 })));
    expect(wire.total).toBe(8);
    const gpu = wire.items.find((i) => i.name === "gpu-job")!;
    expect(gpu.gpus).toEqual([
      { index: 0, memoryGb: 8, exclusive: false },
      { index: 1, memoryGb: 24, exclusive: true },
    ]);
    expect(gpu.nodeName).toBe(`node-a-${tag}`);
    expect(wire.items.find((i) => i.name === "Train-Big")).toMatchObject({ username: `alice-${tag}`, nodeName: null, remark: "first", gpus: [] });
  });

  // A page is read from the creation-time index and the reading stops after it: SQLite once read
  // every instance (through the unique jobRunId index, all NULL but the runs') and sorted them.
  it.skipIf(env().dbProvider !== "sqlite")("reads a page through the creation-time index, not by sorting every instance", async () => {
    const plan = async (q: InstanceListQuery) => {
      const { sql, values } = listStatement(q);
      const rows = await fastRows<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, values);
      return rows.map((r) => r.detail).join("\n");
    };
    const all = await plan({ page: 1, pageSize: 20 });
    expect(all).toMatch(/SCAN i USING INDEX Instance_createdAt_idx/);
    expect(all).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
    const own = await plan({ page: 1, pageSize: 20, userId: alice });
    expect(own).toMatch(/SEARCH i USING INDEX Instance_userId_createdAt_idx/);
    expect(own).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
  });
});
