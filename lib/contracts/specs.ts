import { z } from "zod";
import { ZIdParams, ZPage, ZPageQuery, ZQueryBool, ZTimestamp } from "./common";
import { endpoint } from "./endpoint";

// Product specs: what a user buys (GPUs, CPU, memory, disks) and its price per hour.

export const SPEC_AVAILABILITY = ["available", "busy", "none"] as const;
export const ZSpecAvailability = z.enum(SPEC_AVAILABILITY);
export type TSpecAvailability = z.infer<typeof ZSpecAvailability>;

/** The largest value of each number of a spec (the form checks the same before sending). */
export const SPEC_LIMITS = {
  gpuCount: 64,
  gpuMemoryGb: 1024,
  cpuCores: 1024,
  memoryGb: 16384,
  systemDiskGb: 65536,
  dataDiskGb: 65536,
  pricePerHourCents: 100_000_000,
} as const;

const count = (max: number) =>
  z.number({ error: "must be a whole number" }).int("must be a whole number").min(0, "must not be negative").max(max, `must be at most ${max}`);

const specFields = {
  name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
  gpuModel: z.string().trim().max(100, "must be at most 100 characters").nullable(),
  gpuCount: count(SPEC_LIMITS.gpuCount),
  gpuMemoryGb: count(SPEC_LIMITS.gpuMemoryGb),
  supportMemorySplit: z.boolean(),
  cpuCores: count(SPEC_LIMITS.cpuCores).min(1, "must be at least 1"),
  memoryGb: count(SPEC_LIMITS.memoryGb).min(1, "must be at least 1"),
  systemDiskGb: count(SPEC_LIMITS.systemDiskGb),
  dataDiskGb: count(SPEC_LIMITS.dataDiskGb),
  pricePerHourCents: count(SPEC_LIMITS.pricePerHourCents),
  isListed: z.boolean(),
};

type SpecShape = { gpuModel?: string | null; gpuCount?: number; gpuMemoryGb?: number; supportMemorySplit?: boolean };

/** Cross-field rules, shared by create and (after merging with the stored spec) update. */
export function specIssues(s: SpecShape): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if ((s.gpuCount ?? 0) > 0) {
    if (!s.gpuModel) issues.push({ path: "gpuModel", message: "is required when gpuCount > 0" });
    if ((s.gpuMemoryGb ?? 0) < 1) issues.push({ path: "gpuMemoryGb", message: "must be at least 1 when gpuCount > 0" });
  } else if (s.supportMemorySplit) {
    issues.push({ path: "supportMemorySplit", message: "needs gpuCount > 0" });
  }
  return issues;
}

export const ZCreateSpecRequest = z
  .object({
    ...specFields,
    gpuModel: specFields.gpuModel.optional().default(null),
    gpuCount: specFields.gpuCount.default(0),
    gpuMemoryGb: specFields.gpuMemoryGb.default(0),
    supportMemorySplit: specFields.supportMemorySplit.default(false),
    systemDiskGb: specFields.systemDiskGb.default(0),
    dataDiskGb: specFields.dataDiskGb.default(0),
    isListed: specFields.isListed.default(true),
  })
  .strict()
  .superRefine((s, ctx) => {
    for (const i of specIssues(s)) ctx.addIssue({ code: "custom", path: [i.path], message: i.message });
  });
export type TCreateSpecRequest = z.infer<typeof ZCreateSpecRequest>;

export const ZUpdateSpecRequest = z
  .object(
    Object.fromEntries(Object.entries(specFields).map(([k, v]) => [k, v.optional()])) as {
      [K in keyof typeof specFields]: z.ZodOptional<(typeof specFields)[K]>;
    },
  )
  .strict();
export type TUpdateSpecRequest = z.infer<typeof ZUpdateSpecRequest>;

export const ZSpec = z.object({
  id: z.string(),
  name: z.string(),
  gpuModel: z.string().nullable(),
  gpuCount: z.number().int(),
  gpuMemoryGb: z.number().int(),
  supportMemorySplit: z.boolean(),
  cpuCores: z.number().int(),
  memoryGb: z.number().int(),
  systemDiskGb: z.number().int(),
  dataDiskGb: z.number().int(),
  pricePerHourCents: z.number().int(),
  isListed: z.boolean(),
  /** Online, listed nodes that could host one instance of this spec right now. */
  availableNodes: z.number().int(),
  /**
   * available: a node has room now; busy: nodes that can run it exist but none has room (or
   * is online) now; none: no listed node could run it even when empty (GPU model, GPU count
   * or memory, CPU cores or memory).
   */
  availability: ZSpecAvailability,
  createdAt: ZTimestamp,
  updatedAt: ZTimestamp,
});
export type TSpec = z.infer<typeof ZSpec>;

export const ZSpecQuery = ZPageQuery.extend({
  name: z.string().trim().max(100).optional(),
  gpuModel: z.string().trim().max(100).optional(),
  isListed: ZQueryBool.optional(),
});

/** Free capacity of a node: capacity minus what instances hold. */
export const ZFreeCapacity = z.object({
  /** GPUs nobody holds. */
  wholeGpus: z.number().int(),
  /** Free GB per GPU (index → GB), for memory-split placement. */
  gpuMemoryGb: z.array(z.object({ index: z.number().int(), freeGb: z.number().int() })),
  cpuCores: z.number().int(),
  memoryGb: z.number().int(),
});
export type TFreeCapacity = z.infer<typeof ZFreeCapacity>;

/** Whether a node can run a given image (see GET /api/v1/specs/{id}/nodes?imageId=). */
export const ZNodeImageReadiness = z.object({
  /** It has the image, or may pull it at launch. */
  ready: z.boolean(),
  present: z.boolean(),
  /** Why it cannot run the image now (e.g. the last pull there failed); null when ready. */
  reason: z.string().nullable(),
});
export type TNodeImageReadiness = z.infer<typeof ZNodeImageReadiness>;

export const ZSpecNode = z.object({
  nodeId: z.string(),
  name: z.string(),
  region: z.string().nullable(),
  gpuName: z.string().nullable(),
  free: ZFreeCapacity,
  /** With ?imageId=: whether the node can run that image; null otherwise. */
  image: ZNodeImageReadiness.nullable(),
});

export const ZSpecNodesQuery = z.object({ imageId: z.string().trim().min(1).max(64).optional() });
export type TSpecNode = z.infer<typeof ZSpecNode>;

export const specsEndpoints = {
  listSpecs: endpoint({
    method: "GET",
    path: "/api/v1/specs",
    auth: "user",
    tag: "Specs",
    summary: "Specs with how many nodes could host one now (users: listed ones)",
    query: ZSpecQuery,
    response: ZPage(ZSpec),
  }),
  createSpec: endpoint({
    method: "POST",
    path: "/api/v1/specs",
    audit: "spec.create",
    auth: "admin",
    tag: "Specs",
    summary: "Add a spec",
    body: ZCreateSpecRequest,
    response: ZSpec,
    status: 201,
  }),
  getSpec: endpoint({
    method: "GET",
    path: "/api/v1/specs/{id}",
    auth: "user",
    tag: "Specs",
    summary: "One spec (users: listed only)",
    params: ZIdParams,
    response: ZSpec,
    errors: ["NOT_FOUND"],
  }),
  updateSpec: endpoint({
    method: "PATCH",
    path: "/api/v1/specs/{id}",
    audit: "spec.update",
    auth: "admin",
    tag: "Specs",
    summary: "Change a spec (running instances keep the price they were launched at)",
    params: ZIdParams,
    body: ZUpdateSpecRequest,
    response: ZSpec,
    errors: ["NOT_FOUND"],
  }),
  deleteSpec: endpoint({
    method: "DELETE",
    path: "/api/v1/specs/{id}",
    audit: "spec.delete",
    auth: "admin",
    tag: "Specs",
    summary: "Delete a spec (409 while instances use it)",
    params: ZIdParams,
    status: 204,
    errors: ["NOT_FOUND", "CONFLICT"],
  }),
  specNodes: endpoint({
    method: "GET",
    path: "/api/v1/specs/{id}/nodes",
    auth: "user",
    tag: "Specs",
    summary:
      "Nodes that could host one instance of this spec right now, with their free capacity, and the spec's availability; with imageId, whether each node can run that image (nodes that have it first)",
    params: ZIdParams,
    query: ZSpecNodesQuery,
    response: z.object({ items: z.array(ZSpecNode), availability: ZSpecAvailability }),
    errors: ["NOT_FOUND"],
  }),
};
