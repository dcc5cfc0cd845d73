import { randomBytes } from "node:crypto";
import { db } from "../db/client";

// A bare instance row (and its owner) on a node, for tests about what instances hold.
export async function instanceRow(nodeId: string, name = "held"): Promise<string> {
  const tag = randomBytes(4).toString("hex");
  const user = await db().user.create({ data: { username: `owner-${tag}`, email: `owner-${tag}@test.local`, passwordHash: "-" }, select: { id: true } });
  const row = await db().instance.create({
    data: {
      name,
      userId: user.id,
      nodeId,
      status: "running",
      imageName: "i",
      imageAddress: "busybox",
      specName: "s",
      cpuCores: 1,
      memoryGb: 1,
      pricePerHourCents: 0,
      volumeName: `v-${tag}`,
    },
    select: { id: true },
  });
  return row.id;
}
