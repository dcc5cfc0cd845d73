import "server-only";
import { checkClusterHealth } from "../clusters/cluster-health";
import { allClusters } from "../clusters/clusters.repo";
import { env } from "../env";
import type { Worker } from "./runner";

// Checks every Slurm cluster each SLURM_POLL_SEC through the shared cache (one ping and one
// node list per cluster per period, whatever else reads them), recording status changes.

export function clusterHealthWorker(): Worker {
  return {
    name: "cluster-health",
    intervalMs: env().SLURM_POLL_SEC * 1000,
    runAtStart: true,
    run: async (signal) => {
      for (const row of await allClusters()) {
        if (signal.aborted) return;
        await checkClusterHealth(row);
      }
    },
  };
}
