import "server-only";
import { nodeHealthWorker } from "./node-health";
import type { Worker } from "./runner";

// The console's background workers; server/main.ts starts them with the runner.
export function workers(): Worker[] {
  return [nodeHealthWorker()];
}
