// Seeds N stopped instances (and their owner) straight into a console's database, through
// the console's own Prisma client: `tsx --conditions=react-server seed-instances.ts <N>`
// with DATABASE_URL set. Prints the owner's id.
import { db, disconnectDb } from "../../server/db/client";

const n = Number(process.argv[2] ?? 10_000);
const tag = Date.now().toString(36);
const owner = await db().user.create({ data: { username: `bench-${tag}`, email: `bench-${tag}@bench.local`, passwordHash: "-" }, select: { id: true } });
const CHUNK = 1000;
for (let at = 0; at < n; at += CHUNK) {
  await db().instance.createMany({
    data: Array.from({ length: Math.min(CHUNK, n - at) }, (_, k) => ({
      name: `bench-${at + k}`,
      userId: owner.id,
      status: "stopped",
      imageName: "bench",
      imageAddress: "local/aic-app:latest",
      specName: "bench",
      cpuCores: 1,
      memoryGb: 1,
      pricePerHourCents: 100,
      volumeName: `bench-${tag}-${at + k}`,
      createdAt: new Date(Date.now() - (at + k) * 1000),
    })),
  });
}
console.log(owner.id);
await disconnectDb();
