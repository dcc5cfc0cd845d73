import "server-only";
import { checkClusterHealth } from "../clusters/cluster-health";
import { allClusters } from "../clusters/clusters.repo";
import { env } from "../env";
import type { Worker } from "./runner";

// Checks every Slurm cluster each SLURM_POLL_SEC through the shared cache (one ping and one
// node list per cluster per period, whatever else reads them), recording status changes.

const PARALLEL = 8;

export function clusterHealthWorker(): Worker {
  return {
    name: "cluster-health",
    intervalMs: env().SLURM_POLL_SEC * 1000,
    runAtStart: true,
    run: async (signal) => {
      // A few at a time: one cluster that takes its whole timeout does not hold the others up.
      const rows = await allClusters();
      for (let i = 0; i < rows.length && !signal.aborted; i += PARALLEL) await Promise.all(rows.slice(i, i + PARALLEL).map((r) => checkClusterHealth(r)));
    },
  };
}
