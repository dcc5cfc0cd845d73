import "server-only";
import type { TWebhookEventType } from "@/lib/contracts/webhooks";
import { type DomainEvents, on } from "../events";
import { logger } from "../logger";
import { instanceForEvent, runForEvent } from "./webhooks.repo";
import { enqueueEvent } from "./webhooks.service";

// What becomes a webhook event, from the process's domain events (told after commit):
// instances' status changes (job runs' workloads left out: their runs tell), runs that
// ended, Slurm jobs that finished, a balance running low, nodes going down and up. The data
// is read when the event is queued, so a receiver gets the row as it then was.
// Limits, documented: an event is queued by the process that made the change, after its
// commit; a crash in between loses that one event (deliveries themselves are durable).

const INSTANCE_EVENTS: Partial<Record<string, TWebhookEventType>> = {
  creating: "instance.created",
  running: "instance.running",
  stopped: "instance.stopped",
  exited: "instance.stopped",
  failed: "instance.failed",
  deleted: "instance.deleted",
};

const RUN_EVENTS: Partial<Record<string, TWebhookEventType>> = {
  succeeded: "job.run.succeeded",
  failed: "job.run.failed",
  lost: "job.run.failed",
  timed_out: "job.run.timed_out",
  cancelled: "job.run.cancelled",
};

const iso = (d: Date | null) => d?.toISOString() ?? null;

async function onInstance(e: DomainEvents["instance.changed"]): Promise<void> {
  const type = INSTANCE_EVENTS[e.status];
  if (!type) return;
  const row = await instanceForEvent(e.instanceId);
  if (!row || row.jobRunId) return;
  await enqueueEvent(type, row.userId, {
    instance: {
      id: row.id,
      name: row.name,
      userId: row.userId,
      status: e.status,
      statusMessage: row.statusMessage,
      exitCode: row.exitCode,
      node: row.node?.name ?? null,
      image: row.imageName,
      gpuCount: row.gpuCount,
      pricePerHourCents: row.pricePerHourCents,
      startedAt: iso(row.startedAt),
      stoppedAt: iso(row.stoppedAt),
    },
  });
}

async function onRunEnded(e: DomainEvents["job.runEnded"]): Promise<void> {
  const run = await runForEvent(e.runId);
  const type = run && RUN_EVENTS[run.status];
  if (!run || !type) return;
  const data = {
    run: {
      id: run.id,
      jobId: run.jobId,
      jobName: run.job.name,
      executor: run.job.executor,
      userId: run.userId,
      status: run.status,
      statusMessage: run.statusMessage,
      attempt: run.attempt,
      trigger: run.trigger,
      exitCode: run.exitCode,
      httpStatus: run.httpStatus,
      costCents: run.costCents,
      queuedAt: run.queuedAt.toISOString(),
      startedAt: iso(run.startedAt),
      finishedAt: iso(run.finishedAt),
    },
  };
  await enqueueEvent(type, run.userId, data);
  if (run.job.executor === "slurm" && run.slurmJobId !== null)
    await enqueueEvent("slurm.job.finished", run.userId, {
      ...data,
      slurm: { clusterId: run.clusterId, jobId: run.slurmJobId, state: run.slurmState, user: run.slurmUser, nodes: run.slurmNodes },
    });
}

/** Subscribes to the domain events (console process); stop() unsubscribes and waits for what is being queued. */
export function startWebhookSources(): { stop: () => Promise<void> } {
  const inFlight = new Set<Promise<unknown>>();
  const track = (what: string, p: Promise<unknown>) => {
    const run = p.catch((err: unknown) => logger.error({ err }, `could not queue a webhook event (${what})`)).finally(() => inFlight.delete(run));
    inFlight.add(run);
  };
  const offs = [
    on("instance.changed", (e) => track("instance", onInstance(e))),
    on("job.runEnded", (e) => track("run", onRunEnded(e))),
    on("billing.balanceLow", (e) =>
      track(
        "balance",
        enqueueEvent("balance.low", e.userId, {
          userId: e.userId,
          balanceCents: e.balanceCents,
          burnCentsPerHour: e.burnCentsPerHour,
          secondsLeft: e.secondsLeft,
        }),
      ),
    ),
    on("node.status", (e) =>
      track(
        "node",
        enqueueEvent(e.status === "online" ? "node.up" : "node.down", null, { node: { id: e.nodeId, name: e.name, status: e.status, message: e.message } }),
      ),
    ),
  ];
  return {
    stop: async () => {
      for (const off of offs) off();
      await Promise.all(inFlight);
    },
  };
}
