import { z } from "zod";
import { isImageReference } from "../validation";
import { ZIdParams, ZPage, ZPageQuery, ZQueryBool, ZTimestamp } from "./common";
import { endpoint } from "./endpoint";

// Container images users can launch. Users see listed images; admins manage all of them and
// see on which nodes each image is present, and pull it to a node.

const optionalText = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`).nullable().optional();

export const ZImageAddress = z
  .string()
  .trim()
  .min(1, { error: "is required", abort: true })
  .refine(isImageReference, "is not a valid Docker image reference (e.g. nvidia/cuda:12.4.1-runtime-ubuntu22.04)");

/** Port the console's notebook images serve JupyterLab on. */
export const NOTEBOOK_PORT = 8888;

/** An HTTP port the image serves, opened through the console (e.g. 6006 "TensorBoard"). */
export const ZImageApp = z
  .object({
    port: z.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be 1-65535").max(65535, "must be 1-65535"),
    name: z.string().trim().min(1, "is required").max(40, "must be at most 40 characters"),
  })
  .strict();
export type TImageApp = z.infer<typeof ZImageApp>;

const ZImageApps = z
  .array(ZImageApp)
  .max(10, "at most 10 apps")
  .superRefine((apps, ctx) => {
    const seen = new Set<number>();
    for (const [i, a] of apps.entries()) {
      if (seen.has(a.port)) ctx.addIssue({ code: "custom", path: [i, "port"], message: `port ${a.port} is listed twice` });
      seen.add(a.port);
    }
  });

export const ZImage = z.object({
  id: z.string(),
  name: z.string(),
  address: z.string(),
  description: z.string().nullable(),
  source: z.string().nullable(),
  supportMemorySplit: z.boolean(),
  /** HTTP ports the image serves, each opened through the console's app proxy. */
  apps: z.array(ZImageApp),
  /** The console starts JupyterLab in it on port 8888 (its base URL and token set by the console). */
  notebook: z.boolean(),
  isListed: z.boolean(),
  remark: z.string().nullable(),
  createdAt: ZTimestamp,
  updatedAt: ZTimestamp,
});
export type TImage = z.infer<typeof ZImage>;

/** A created or changed image, with what the console noticed about it (saved anyway). */
export const ZSavedImage = ZImage.extend({
  /** E.g. the image is on none of the online nodes and they cannot pull it. */
  warnings: z.array(z.string()),
});
export type TSavedImage = z.infer<typeof ZSavedImage>;

/** A notebook image's JupyterLab has port 8888: another app cannot claim it. */
function notebookPortFree(v: { apps?: TImageApp[] | undefined; notebook?: boolean | undefined }, ctx: z.RefinementCtx): void {
  if (!v.notebook) return;
  const i = v.apps?.findIndex((a) => a.port === NOTEBOOK_PORT) ?? -1;
  if (i >= 0) ctx.addIssue({ code: "custom", path: ["apps", i, "port"], message: `is JupyterLab's on a notebook image; use another port` });
}

export const ZCreateImageRequest = z
  .object({
    name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
    address: ZImageAddress,
    description: optionalText(2000),
    source: optionalText(100),
    supportMemorySplit: z.boolean().default(false),
    apps: ZImageApps.optional(),
    notebook: z.boolean().optional(),
    isListed: z.boolean().default(true),
    remark: optionalText(500),
  })
  .strict()
  .superRefine(notebookPortFree);
export type TCreateImageRequest = z.infer<typeof ZCreateImageRequest>;

export const ZUpdateImageRequest = z
  .object({
    name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters").optional(),
    address: ZImageAddress.optional(),
    description: optionalText(2000),
    source: optionalText(100),
    supportMemorySplit: z.boolean().optional(),
    apps: ZImageApps.optional(),
    notebook: z.boolean().optional(),
    isListed: z.boolean().optional(),
    remark: optionalText(500),
  })
  .strict()
  .superRefine(notebookPortFree);
export type TUpdateImageRequest = z.infer<typeof ZUpdateImageRequest>;

export const ZImageQuery = ZPageQuery.extend({
  name: z.string().trim().max(100).optional(),
  isListed: ZQueryBool.optional(),
});

export const ZImagePresence = z.object({
  nodeId: z.string(),
  nodeName: z.string(),
  nodeStatus: z.string(),
  /** null when the node's Docker engine could not be asked. */
  present: z.boolean().nullable(),
  sizeBytes: z.number().nullable(),
  error: z.string().nullable(),
  /** Whether the node can run the image: it has it, or may pull it (no recent failed pull). */
  ready: z.boolean(),
  /** Why it cannot (names the node and the pull's error); null when ready. */
  reason: z.string().nullable(),
  /** The last pull of this image to the node, if any. */
  lastPull: z.object({ ok: z.boolean(), message: z.string().nullable(), at: ZTimestamp }).nullable(),
});
export type TImagePresence = z.infer<typeof ZImagePresence>;

export const ZPullRequest = z.object({ nodeId: z.string().min(1, "is required") }).strict();

/** One line of the pull stream (application/x-ndjson). */
export const ZPullEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("progress"), status: z.string(), layer: z.string().nullable(), current: z.number().nullable(), total: z.number().nullable() }),
  z.object({ type: z.literal("done"), status: z.string() }),
  z.object({ type: z.literal("error"), message: z.string() }),
]);
export type TPullEvent = z.infer<typeof ZPullEvent>;

export const imagesEndpoints = {
  listImages: endpoint({
    method: "GET",
    path: "/api/v1/images",
    auth: "user",
    tag: "Images",
    summary: "Images (users: listed ones; admins: all, filtered by name and isListed)",
    query: ZImageQuery,
    response: ZPage(ZImage),
  }),
  createImage: endpoint({
    method: "POST",
    path: "/api/v1/images",
    audit: "image.create",
    auth: "admin",
    tag: "Images",
    summary: "Add an image (names are unique, ignoring case); `warnings` says when no online node has it or can pull it",
    body: ZCreateImageRequest,
    response: ZSavedImage,
    status: 201,
    errors: ["CONFLICT"],
  }),
  getImage: endpoint({
    method: "GET",
    path: "/api/v1/images/{id}",
    auth: "user",
    tag: "Images",
    summary: "One image (users: listed only)",
    params: ZIdParams,
    response: ZImage,
    errors: ["NOT_FOUND"],
  }),
  updateImage: endpoint({
    method: "PATCH",
    path: "/api/v1/images/{id}",
    audit: "image.update",
    auth: "admin",
    tag: "Images",
    summary: "Change an image; a new address is checked as on creation (`warnings`)",
    params: ZIdParams,
    body: ZUpdateImageRequest,
    response: ZSavedImage,
    errors: ["NOT_FOUND", "CONFLICT"],
  }),
  deleteImage: endpoint({
    method: "DELETE",
    path: "/api/v1/images/{id}",
    audit: "image.delete",
    auth: "admin",
    tag: "Images",
    summary: "Delete an image (409 while instances use it)",
    params: ZIdParams,
    status: 204,
    errors: ["NOT_FOUND", "CONFLICT"],
  }),
  imageNodes: endpoint({
    method: "GET",
    path: "/api/v1/images/{id}/nodes",
    auth: "admin",
    tag: "Images",
    summary: "On which nodes the image is present (asked from each node's Docker engine), and which cannot run it (a recent failed pull)",
    params: ZIdParams,
    response: z.object({ items: z.array(ZImagePresence) }),
    errors: ["NOT_FOUND"],
  }),
  pullImage: endpoint({
    method: "POST",
    path: "/api/v1/images/{id}/pull",
    audit: "image.pull",
    auth: "admin",
    tag: "Images",
    summary: "Pull the image to a node; answers the progress as a stream of JSON lines (ZPullEvent)",
    params: ZIdParams,
    body: ZPullRequest,
    produces: "application/x-ndjson",
    errors: ["NOT_FOUND"],
  }),
};
