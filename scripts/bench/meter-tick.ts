// One meter tick over N running instances in a console's database (DATABASE_URL), through the
// console's own code: `tsx --conditions=react-server meter-tick.ts <N>`. Seeds N running
// instances of 100 funded users (each user's balance with its opening ledger entry), due one
// interval each, times meterAll() once, checks that every instance was charged once and that
// balances still equal their ledgers, and prints one JSON line.
import { db, disconnectDb } from "../../server/db/client";
import { invariant } from "../../server/billing/billing.service";
import { meterAll } from "../../server/billing/meter";

const n = Number(process.argv[2] ?? 10_000);
const USERS = 100;
const tag = Date.now().toString(36);
const interval = Number(process.env.BILLING_INTERVAL_SEC ?? 60) * 1000;
const due = new Date(Date.now() - interval - 1000);

const users: string[] = [];
for (let u = 0; u < USERS; u++) {
  const id = `bench-${tag}-u${u}`;
  await db().user.create({
    data: { id, username: `meter-${tag}-${u}`, email: `meter-${tag}-${u}@bench.local`, passwordHash: "-", balanceCents: 100_000_000 },
    select: { id: true },
  });
  await db().ledgerEntry.create({
    data: {
      userId: id,
      kind: "adjustment",
      amountCents: 100_000_000,
      balanceAfterCents: 100_000_000,
      idempotencyKey: `bench-opening:${id}`,
      note: "Benchmark funds",
    },
  });
  users.push(id);
}
const CHUNK = 1000;
for (let at = 0; at < n; at += CHUNK) {
  await db().instance.createMany({
    data: Array.from({ length: Math.min(CHUNK, n - at) }, (_, k) => ({
      name: `meter-${at + k}`,
      userId: users[(at + k) % USERS]!,
      status: "running",
      imageName: "bench",
      imageAddress: "local/aic-app:latest",
      specName: "bench",
      cpuCores: 1,
      memoryGb: 1,
      pricePerHourCents: 333,
      volumeName: `meter-${tag}-${at + k}`,
      startedAt: due,
      meteredUntil: due,
    })),
  });
}
const before = await db().ledgerEntry.count({ where: { kind: "usage" } });
const t0 = performance.now();
const out = await meterAll();
const ms = performance.now() - t0;
const charged = (await db().ledgerEntry.count({ where: { kind: "usage" } })) - before;
const inv = await invariant();
console.log(JSON.stringify({ instances: out.instances, charged, ms: Math.round(ms), perSecond: Math.round((charged / ms) * 1000), invariant: inv.ok }));
await disconnectDb();
