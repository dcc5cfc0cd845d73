import "server-only";
import { z } from "zod";

// From a handler's result to what its response schema accepts: Dates become the ISO strings
// JSON would make of them.

/** What JSON.stringify would make of Dates (and anything else with toJSON), without the text. */
export function toWire(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Date) return value.toJSON();
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return toWire((value as { toJSON: () => unknown }).toJSON());
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    out[key] = typeof v === "object" && v !== null ? toWire(v) : v;
  }
  return out;
}

type Def = {
  type: string;
  format?: string;
  checks?: unknown[];
  innerType?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
};
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;
const fromDate = z.date().transform((d) => d.toISOString());

/**
 * The schema as the handler's result meets it: where it wants an ISO timestamp it also takes
 * a Date and writes it as JSON would. Parsing the result directly spares copying every object
 * to turn its Dates into strings first (a third of the instance list's own work). Shapes it
 * does not know (refinements, discriminated unions ...) stay as they are.
 */
function derive(schema: z.ZodType): z.ZodType {
  const def = defOf(schema);
  if (def.checks?.length) return schema;
  switch (def.type) {
    case "string":
      return def.format === "datetime" ? z.union([fromDate, schema]) : schema;
    case "nullable":
    case "optional": {
      const inner = derive(def.innerType!);
      if (inner === def.innerType) return schema;
      return def.type === "nullable" ? inner.nullable() : inner.optional();
    }
    case "array": {
      const element = derive(def.element!);
      return element === def.element ? schema : z.array(element);
    }
    case "object": {
      const entries = Object.entries(def.shape!).map(([k, v]) => [k, derive(v)] as const);
      if (entries.every(([k, v]) => v === def.shape![k])) return schema;
      const object = z.object(Object.fromEntries(entries));
      return def.catchall ? object.catchall(def.catchall) : object;
    }
    case "union": {
      if (def.discriminator) return schema;
      const options = def.options!.map(derive);
      return options.every((o, i) => o === def.options![i]) ? schema : z.union(options as [z.ZodType, z.ZodType, ...z.ZodType[]]);
    }
    default:
      return schema;
  }
}

const wireSchemas = new WeakMap<z.ZodType, z.ZodType>();
export function wireSchema(schema: z.ZodType): z.ZodType {
  let wire = wireSchemas.get(schema);
  if (!wire) {
    wire = derive(schema);
    wireSchemas.set(schema, wire);
  }
  return wire;
}
