import "server-only";
import { randomUUID } from "node:crypto";
import { env } from "../env";
import { AppError } from "../http/errors";
import type { Prisma } from "../db/client";
import * as repo from "./instances.repo";

// One operation at a time per instance, across console processes: an operation claims the
// instance (leaseOwner/leaseUntil) with a compare-and-set on its status, renews the claim
// while it works, and writes its end state and releases the claim in one update. A claim
// whose process died lapses after INSTANCE_LEASE_SEC; the reconciler leaves claimed rows alone.

/** This process, as a lease owner. */
export const PROCESS_ID = randomUUID();

const leaseMs = () => env().INSTANCE_LEASE_SEC * 1000;

export function lease() {
  return {
    id: PROCESS_ID,
    until: () => new Date(Date.now() + leaseMs()),
    /** Renews the claim on `instanceId` until stopped. */
    keepAlive(instanceId: string) {
      const timer = setInterval(() => void repo.renewLease(instanceId, PROCESS_ID, new Date(Date.now() + leaseMs())).catch(() => undefined), leaseMs() / 3);
      timer.unref();
      return { stop: () => clearInterval(timer) };
    },
  };
}

/**
 * Runs `fn` holding the instance's claim, from one of the `from` statuses; `fn` returns the
 * row's new values. An error leaves the status as it was (with the claim released).
 */
export async function withLease(
  row: repo.InstanceRow,
  from: readonly string[],
  fn: () => Promise<Prisma.InstanceUncheckedUpdateManyInput>,
): Promise<repo.InstanceRow> {
  const now = new Date();
  const owner = lease();
  const claimed = await repo.claim(row.id, from, owner.id, owner.until(), now);
  if (!claimed) {
    const current = await repo.findInstance(row.id);
    if (current && from.includes(current.status)) throw new AppError("INVALID_STATE", "Another operation on this instance is in progress; try again in a moment");
    throw new AppError("INVALID_STATE", `The instance is ${current?.status ?? "gone"}; that cannot be done now`);
  }
  const renew = owner.keepAlive(row.id);
  try {
    const data = await fn();
    await repo.settle(row.id, owner.id, data);
  } catch (err) {
    await repo.settle(row.id, owner.id, {});
    throw err;
  } finally {
    renew.stop();
  }
  return (await repo.findInstance(row.id))!;
}
