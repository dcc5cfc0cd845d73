import Docker from "dockerode";
import { ZCreateNodeRequest } from "@/lib/contracts/nodes";
import { ZCreateSpecRequest } from "@/lib/contracts/specs";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import * as images from "../images/images.service";
import { containerName, volumeName } from "../instances/workload";
import { createInstance } from "../instances/launch";
import * as nodes from "../nodes/nodes.service";
import * as specs from "../specs/specs.service";
import { fund } from "./funds";
import { APP_IMAGE, LOCAL_DOCKER } from "./node-fixtures";

// For tests that need one running instance of local/aic-app on the local engine: its owner,
// another user, and a cleanup that removes the container and volume.

export async function testUser(name: string, role: "admin" | "user" = "user"): Promise<Principal> {
  const tag = Math.random().toString(36).slice(2, 8);
  const u = await db().user.create({ data: { username: `${name}-${tag}`, email: `${name}-${tag}@t.local`, passwordHash: "-", role } });
  await fund(u.id);
  return { userId: u.id, username: u.username, role, via: "api-token" };
}

/** A running instance of local/aic-app owned by a funded user (the spec costs `pricePerHourCents`). */
export async function runningInstance(
  pricePerHourCents = 1,
): Promise<{ owner: Principal; other: Principal; instanceId: string; cleanUp: () => Promise<void> }> {
  await testUser("admin", "admin");
  const owner = await testUser("owner");
  const other = await testUser("other");
  const node = await nodes.createNode(
    ZCreateNodeRequest.parse({ name: `n-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`, dockerAddress: LOCAL_DOCKER, cpuCores: 4, memoryGb: 8 }),
  );
  await db().node.update({ where: { id: node.id }, data: { status: "online" } });
  const image = await images.createImage({
    name: "app",
    address: APP_IMAGE,
    description: null,
    source: null,
    supportMemorySplit: false,
    isListed: true,
    remark: null,
  });
  const spec = await specs.createSpec(ZCreateSpecRequest.parse({ name: "cpu", cpuCores: 1, memoryGb: 1, pricePerHourCents }));
  const instanceId = (await createInstance(owner, { name: "test", imageId: image.id, specId: spec.id, nodeId: node.id })).id;
  for (let i = 0; i < 300 && (await db().instance.findUnique({ where: { id: instanceId } }))!.status !== "running"; i++)
    await new Promise((r) => setTimeout(r, 100));
  const docker = new Docker({ socketPath: "/var/run/docker.sock" });
  return {
    owner,
    other,
    instanceId,
    cleanUp: async () => {
      await docker
        .getContainer(containerName(instanceId))
        .remove({ force: true })
        .catch(() => undefined);
      await docker
        .getVolume(volumeName(instanceId))
        .remove()
        .catch(() => undefined);
    },
  };
}
