import { z } from "zod";
import { ERROR_STATUS } from "./errors";

// Shapes shared by every domain's contract.

export const ZId = z.string().min(1).max(64);
export const ZIdParams = z.object({ id: ZId });

/** ISO-8601 timestamps on the wire. */
export const ZTimestamp = z.iso.datetime();
export const ZNullableTimestamp = ZTimestamp.nullable();

export const ZPageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type TPageQuery = z.infer<typeof ZPageQuery>;

export function ZPage<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int().min(0),
    page: z.number().int().min(1),
    pageSize: z.number().int().min(1),
  });
}
export type TPage<T> = { items: T[]; total: number; page: number; pageSize: number };

/** Query-string booleans: "true"/"false" (and 1/0). */
export const ZQueryBool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/** A parameter of a message: a value, or a part already rendered in each locale (a nested message, a list). */
export const ZMessageParam = z.union([z.string(), z.number(), z.object({ "en-US": z.string(), "zh-CN": z.string() })]);
export const ZMessageParams = z.record(z.string(), ZMessageParam);

/** A server message as a key of the console's dictionaries and its parameters: clients show it in their language. */
export const ZMessageRef = z
  .object({ key: z.string().meta({ description: "Dictionary key, e.g. serverMessages.capacity.none" }), params: ZMessageParams.optional() })
  .meta({ description: "A message as a dictionary key and parameters ({name} placeholders); the English text is beside it" });
export type TMessageRef = z.infer<typeof ZMessageRef>;

export const ZErrorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]),
    message: z.string().meta({ description: "The message in English" }),
    messageKey: z.string().meta({ description: "The message as a dictionary key (errors.* or serverMessages.*), to show it translated" }),
    params: ZMessageParams.meta({ description: "Parameters of messageKey's {placeholders}" }),
    requestId: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string(), key: z.string().optional(), params: ZMessageParams.optional() })).optional(),
  }),
});

export const ZUsername = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, "must be at least 3 characters")
  .max(32, "must be at most 32 characters")
  .regex(/^[a-z0-9_.-]+$/, "may contain only letters, digits, _ . and -");

export const ZEmail = z.string().trim().toLowerCase().max(254).pipe(z.email("must be a valid email address"));

export const ZPassword = z.string().min(8, "must be at least 8 characters").max(128, "must be at most 128 characters");
