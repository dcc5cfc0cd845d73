import "server-only";
import { pingDatabase } from "./health.repo";
import { STARTED_AT, VERSION } from "./version";

// Liveness plus database reachability, for load balancers and monitors.

export async function health() {
  const database = await pingDatabase(2_000);
  return {
    status: database ? ("ok" as const) : ("degraded" as const),
    database: database ? ("ok" as const) : ("unreachable" as const),
    version: VERSION,
    uptimeSeconds: Math.floor((Date.now() - STARTED_AT) / 1000),
  };
}
