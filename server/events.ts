import "server-only";
import { EventEmitter } from "node:events";
import { processSingleton } from "./singleton";

// In-process domain events, shared by the Next.js bundle (route handlers, where services
// run) and the server bundle (socket.io, workers).

export type DomainEvents = {
  /** Every session and token of the user ended (password, role or status changed). */
  "user.sessionsRevoked": { userId: string };
  /** A poll of a node's GPUs (pushed to /stats subscribers). */
  "gpu.sample": { nodeId: string; ts: string; gpus: import("./adapters/gpu").GpuReading[] };
};

type Listener<K extends keyof DomainEvents> = (payload: DomainEvents[K]) => void;

const emitter = processSingleton("events", () => new EventEmitter().setMaxListeners(100));

export function emit<K extends keyof DomainEvents>(event: K, payload: DomainEvents[K]): void {
  emitter.emit(event, payload);
}

export function on<K extends keyof DomainEvents>(event: K, listener: Listener<K>): () => void {
  emitter.on(event, listener);
  return () => emitter.off(event, listener);
}
