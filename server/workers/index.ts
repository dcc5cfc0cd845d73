import "server-only";
import type { Worker } from "./runner";

// The console's background workers (node health, reconciler, collector, meter) are listed
// here as later features add them; server/main.ts starts them with the runner.
export function workers(): Worker[] {
  return [];
}
