import { z } from "zod";
import { ZIdParams, ZTimestamp } from "./common";
import { endpoint } from "./endpoint";

// GPU telemetry history and the cluster overview.

const ZTime = z.iso.datetime({ offset: true, error: "must be an ISO-8601 time" });

export const ZMetricsQuery = z
  .object({
    from: ZTime.optional(),
    to: ZTime.optional(),
    /** Seconds per point; raised so that a range has at most 2000 points. */
    step: z.coerce
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(86_400, "must be at most 86400")
      .optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: "must be after from", path: ["to"] });
export type TMetricsQuery = z.infer<typeof ZMetricsQuery>;

export const ZGpuPoint = z.object({
  ts: ZTimestamp,
  utilization: z.number().nullable(),
  memoryUsedMb: z.number().nullable(),
  temperature: z.number().nullable(),
  powerW: z.number().nullable(),
});

/** One GPU as nvidia-smi reported it in a poll; values a card does not report are null. */
export const ZGpuReading = z.object({
  index: z.number().int(),
  uuid: z.string().nullable(),
  name: z.string().nullable(),
  /** Percent. */
  utilization: z.number().nullable(),
  memoryUsedMb: z.number().nullable(),
  memoryTotalMb: z.number().nullable(),
  /** Degrees Celsius. */
  temperature: z.number().nullable(),
  /** Watts. */
  powerW: z.number().nullable(),
});
export type TGpuReading = z.infer<typeof ZGpuReading>;
/** A node's GPUs at one poll, as pushed on /stats (`gpu` events). */
export type TGpuEvent = { nodeId: string; ts: string; gpus: TGpuReading[] };

export const ZNodeMetrics = z.object({
  nodeId: z.string(),
  from: ZTimestamp,
  to: ZTimestamp,
  step: z.number().int(),
  /** Why there is no telemetry for this node (no SSH, no nvidia-smi ...), if so. */
  problem: z.string().nullable(),
  gpus: z.array(z.object({ index: z.number().int(), memoryTotalMb: z.number().nullable(), points: z.array(ZGpuPoint) })),
});
export type TNodeMetrics = z.infer<typeof ZNodeMetrics>;

export const ZGpuOverview = z.object({
  nodes: z.object({ total: z.number().int(), online: z.number().int(), offline: z.number().int() }),
  gpus: z.object({ total: z.number().int(), busy: z.number().int(), idle: z.number().int() }),
  runningInstances: z.number().int(),
  /** Mean utilization (%) over GPUs with a recent reading; null when none reports. */
  averageUtilization: z.number().nullable(),
  memoryUsedMb: z.number(),
  memoryTotalMb: z.number(),
  /** Per node and GPU, the latest utilization (for heatmaps). */
  heat: z.array(
    z.object({
      nodeId: z.string(),
      nodeName: z.string(),
      gpus: z.array(z.object({ index: z.number().int(), utilization: z.number().nullable(), held: z.boolean() })),
    }),
  ),
});
export type TGpuOverview = z.infer<typeof ZGpuOverview>;

export const ZInstanceMetrics = z.object({
  instanceId: z.string(),
  from: ZTimestamp,
  to: ZTimestamp,
  step: z.number().int(),
  /** Per step: averages of CPU and memory; counters (network, block IO) as of the step's end. */
  points: z.array(
    z.object({
      ts: ZTimestamp,
      cpuPercent: z.number(),
      memoryUsage: z.number(),
      memoryLimit: z.number(),
      networkRx: z.number(),
      networkTx: z.number(),
      blockRead: z.number(),
      blockWrite: z.number(),
      pids: z.number().int(),
      /** Mean utilization (%) of the GPUs it held; null without GPUs or telemetry. */
      gpuUtilization: z.number().nullable(),
      /** GPU memory used on the GPUs it held (device-wide on a shared GPU) and its limit there, MiB. */
      gpuMemoryUsedMb: z.number().nullable(),
      gpuMemoryLimitMb: z.number().nullable(),
    }),
  ),
});
export type TInstanceMetrics = z.infer<typeof ZInstanceMetrics>;

export const metricsEndpoints = {
  instanceMetrics: endpoint({
    method: "GET",
    path: "/api/v1/instances/{id}/metrics",
    auth: "user",
    tag: "Metrics",
    summary: "Container stats and GPU history of an instance (sampled while it runs; raw for 24 h, then one-minute averages for 30 days), bucketed by step",
    params: ZIdParams,
    query: ZMetricsQuery,
    response: ZInstanceMetrics,
    errors: ["NOT_FOUND"],
  }),
  nodeMetrics: endpoint({
    method: "GET",
    path: "/api/v1/nodes/{id}/metrics",
    auth: "admin",
    tag: "Metrics",
    summary: "GPU telemetry of a node over time: raw samples (last 24 h) and one-minute averages (30 days), bucketed by step",
    params: ZIdParams,
    query: ZMetricsQuery,
    response: ZNodeMetrics,
    errors: ["NOT_FOUND"],
  }),
  gpuOverview: endpoint({
    method: "GET",
    path: "/api/v1/gpu/overview",
    auth: "admin",
    tag: "Metrics",
    summary: "Cluster overview: nodes, GPUs busy/idle, running instances, utilization and GPU memory",
    response: ZGpuOverview,
  }),
};
