import "server-only";
import { randomUUID } from "node:crypto";
import { audited } from "../audit/audit.service";
import { env } from "../env";
import { AppError, ref, stateWord } from "../http/errors";
import type { Prisma } from "../db/client";
import { logger } from "../logger";
import * as repo from "./instances.repo";

// One operation at a time per instance, across console processes: an operation claims the
// instance (leaseOwner/leaseUntil) with a compare-and-set on its status, renews the claim
// while it works, and writes its end state and releases the claim in one update. A claim
// whose process died lapses after INSTANCE_LEASE_SEC; the reconciler leaves claimed rows alone.

/** A lost claim, inside the settling transaction: it rolls back (no event for a change not made). */
const LOST = Symbol("lost claim");

const leaseMs = () => env().INSTANCE_LEASE_SEC * 1000;

/** A claim token of its own for each operation, so one operation can never settle another's. */
export function lease() {
  const id = randomUUID();
  return {
    id,
    until: () => new Date(Date.now() + leaseMs()),
    /** Renews the claim on `instanceId` until stopped. */
    keepAlive(instanceId: string) {
      const timer = setInterval(() => void repo.renewLease(instanceId, id, new Date(Date.now() + leaseMs())).catch(() => undefined), leaseMs() / 3);
      timer.unref();
      return { stop: () => clearInterval(timer) };
    },
  };
}

/**
 * Runs `fn` holding the instance's claim, from one of the `from` statuses; `fn` returns the
 * row's new values. An error leaves the status as it was (with the claim released).
 */
export type Outcome = { data: Prisma.InstanceUncheckedUpdateManyInput; release?: boolean };

export async function withLease(
  row: repo.InstanceRow,
  from: readonly string[],
  fn: () => Promise<Outcome>,
  onLost: () => Promise<void> = async () => undefined,
): Promise<repo.InstanceRow> {
  const now = new Date();
  const owner = lease();
  const claimed = await repo.claim(row.id, from, owner.id, owner.until(), now);
  if (!claimed) {
    const current = await repo.findInstance(row.id);
    if (current && from.includes(current.status)) throw new AppError("INVALID_STATE", ref("serverMessages.instance.busy"));
    throw new AppError("INVALID_STATE", ref("serverMessages.instance.cannotNow", { status: stateWord(current?.status ?? "gone") }));
  }
  const renew = owner.keepAlive(row.id);
  try {
    const outcome = await fn();
    // The end state is the change an audited action records (in the same transaction).
    const settled = await audited(async () => {
      if (!(await repo.settle(row.id, owner.id, outcome.data, { release: outcome.release }))) throw LOST;
      return true;
    }).catch((err: unknown) => (err === LOST ? false : Promise.reject(err)));
    if (!settled) {
      // The claim was taken from us (this process stalled past the lease, or the row was deleted).
      logger.warn({ instanceId: row.id }, "operation lost its claim; compensating");
      await onLost();
      throw new AppError("INVALID_STATE", ref("serverMessages.instance.changed"));
    }
  } catch (err) {
    await repo.settle(row.id, owner.id, {});
    throw err;
  } finally {
    renew.stop();
  }
  return (await repo.findInstance(row.id))!;
}
