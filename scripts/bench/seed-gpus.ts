// Gives every node named bench-gpu-* a fresh reading of each of its GPUs, straight into a
// console's database through its own Prisma client: `tsx --conditions=react-server
// seed-gpus.ts` with DATABASE_URL set. Prints how many readings it wrote.
import { db, disconnectDb } from "../../server/db/client";

const nodes = await db().node.findMany({ where: { name: { startsWith: "bench-gpu-" } }, select: { id: true, gpuCount: true } });
// Stamped ahead of now: the exporter takes the readings of the last polls only, however long the run.
const ts = new Date(Date.now() + 3_600_000);
const data = nodes.flatMap((n) =>
  Array.from({ length: n.gpuCount }, (_, g) => ({
    nodeId: n.id,
    ts,
    gpuIndex: g,
    uuid: `GPU-${n.id}-${g}`,
    utilization: 50 + g,
    memoryUsedMb: 1024 * g,
    memoryTotalMb: 81_559,
    temperature: 40 + g,
    powerW: 300 + g,
  })),
);
await db().gpuSample.createMany({ data });
console.log(data.length);
await disconnectDb();
