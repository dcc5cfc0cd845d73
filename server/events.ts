import "server-only";
import { EventEmitter } from "node:events";
import { outsideAudit } from "./audit/audit.service";
import { afterCommit, outsideTransaction } from "./db/client";
import { processSingleton } from "./singleton";

// In-process domain events, shared by the Next.js bundle (route handlers, where services
// run) and the server bundle (socket.io, workers).

export type DomainEvents = {
  /** Every session and token of the user ended (password, role or status changed). */
  "user.sessionsRevoked": { userId: string };
  /**
   * One credential ended: a personal API token was revoked, or a browser session or login
   * token signed out. What it opened ends; the user's other sessions stay.
   */
  "credential.revoked": { userId: string; credentialId: string };
  /** An SSH key was deleted: jump-host sessions it opened end. */
  "sshKey.deleted": { userId: string; keyId: string };
  /**
   * An instance changed status for a reason its owner should hear of: it failed, its
   * container exited, the console stopped it (balance used up), or its node stopped answering.
   */
  "instance.status": {
    instanceId: string;
    userId: string;
    name: string;
    status: "failed" | "exited" | "stopped" | "unknown" | "running";
    reason: "creation_failed" | "container_removed" | "exited" | "balance" | "node_unreachable" | "recovered";
    message: string | null;
  };
  /** A Slurm cluster's health changed (healthy, degraded, unreachable). */
  "cluster.status": { clusterId: string; name: string; status: "healthy" | "degraded" | "unreachable"; message: string | null };
  /** A node's Docker engine started or stopped answering (health checks). */
  "node.status": { nodeId: string; name: string; status: "online" | "offline"; message: string | null };
  /**
   * The meter took a user's balance below the lowBalanceMinutes setting of their running
   * instances' price (once per crossing: a top-up and a new fall make another).
   */
  "billing.balanceLow": { userId: string; balanceCents: number; burnCentsPerHour: number; secondsLeft: number };
  /** A notification was stored for a user (pushed to their /notifications sockets). */
  "notification.created": { userId: string; notification: import("@/lib/contracts/notifications").TNotification };
  /**
   * The job queue changed in a way that may let a run start now: a run was queued, or a run
   * ended and freed what it held. The dispatcher of this process makes a pass at once.
   */
  "jobs.queueChanged": { runId: string };
  /**
   * An instance's status changed (any way: launch, start, stop, delete, creation's end, what
   * the reconciler saw). Job runs' workloads included; listeners read the row.
   */
  "instance.changed": { instanceId: string; status: string };
  /** A job run ended (succeeded, failed, timed out, cancelled or lost). */
  "job.runEnded": { runId: string };
  /** Webhook deliveries were queued: this process's delivery loop makes a pass at once. */
  "webhooks.queued": Record<string, never>;
  /** A ledger entry was committed (counted for /metrics). */
  "ledger.posted": { kind: string; amountCents: number };
  /** A poll of a node's GPUs (pushed to /stats subscribers). */
  "gpu.sample": { nodeId: string; ts: string; gpus: import("./adapters/gpu").GpuReading[] };
};

type Listener<K extends keyof DomainEvents> = (payload: DomainEvents[K]) => void;

const emitter = processSingleton("events", () => new EventEmitter().setMaxListeners(100));

export function emit<K extends keyof DomainEvents>(event: K, payload: DomainEvents[K]): void {
  // Told once the change is committed (others then see it), and outside its transaction:
  // listeners start work of their own.
  afterCommit(() => outsideTransaction(() => outsideAudit(() => emitter.emit(event, payload))));
}

export function on<K extends keyof DomainEvents>(event: K, listener: Listener<K>): () => void {
  emitter.on(event, listener);
  return () => emitter.off(event, listener);
}
