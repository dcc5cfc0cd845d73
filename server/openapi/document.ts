import "server-only";
import { z } from "zod";
import { api } from "@/lib/contracts";
import { ZErrorBody } from "@/lib/contracts/common";
import type { Endpoint } from "@/lib/contracts/endpoint";
import { ERROR_STATUS, type ErrorCode } from "@/lib/contracts/errors";

// The OpenAPI 3.1 document, generated from the endpoint contracts (lib/contracts). OpenAPI
// 3.1 schemas are JSON Schema 2020-12, which zod emits natively.

type Json = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: "input" | "output"): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as Json;
  return rest;
}

function parametersOf(e: Endpoint): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [
    ["path", e.params],
    ["query", e.query],
  ] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, "input") as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, prop] of Object.entries(json.properties ?? {})) {
      out.push({ name, in: where, required: where === "path" || (json.required ?? []).includes(name), schema: prop });
    }
  }
  return out;
}

const COMMON_ERRORS: ErrorCode[] = ["VALIDATION_FAILED", "RATE_LIMITED", "INTERNAL"];

function responsesOf(e: Endpoint): Json {
  const status = String(e.status ?? 200);
  const success: Json = { description: "Success" };
  if (e.response) success.content = { "application/json": { schema: schemaOf(e.response, "output") } };
  else if (e.produces) success.content = { [e.produces]: {} };
  const codes = new Set<ErrorCode>([...COMMON_ERRORS, ...(e.errors ?? [])]);
  if (e.body) codes.add("PAYLOAD_TOO_LARGE");
  if (e.auth !== "public") codes.add("UNAUTHENTICATED");
  if (e.auth === "admin") codes.add("FORBIDDEN");
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  const responses: Json = { [status]: success };
  for (const [s, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(s)] = {
      description: list.join(", "),
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    };
  }
  return responses;
}

export function buildOpenApiDocument(version: string): Json {
  const paths: Record<string, Json> = {};
  for (const [operationId, e] of Object.entries(api) as [string, Endpoint][]) {
    const op: Json = {
      operationId,
      summary: e.summary,
      tags: [e.tag],
      "x-auth": e.auth,
      ...(e.audit ? { "x-audit-action": e.audit } : {}),
      security: e.auth === "public" ? [] : [{ bearer: [] }, { session: [] }],
      parameters: parametersOf(e),
      responses: responsesOf(e),
    };
    if (e.body) op.requestBody = { required: true, content: { "application/json": { schema: schemaOf(e.body, "input") } } };
    paths[e.path] = { ...(paths[e.path] ?? {}), [e.method.toLowerCase()]: op };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "AI Infra Console API",
      version,
      description:
        "REST API of the AI Infra Console. Authenticate with `Authorization: Bearer <token>` (a login token from " +
        "POST /api/v1/auth/login or a personal API token) or the browser session. Lists take page/pageSize and " +
        "answer { items, total, page, pageSize }. Money is in integer cents.",
    },
    servers: [{ url: "/" }],
    paths,
    components: {
      schemas: { Error: schemaOf(ZErrorBody, "output") },
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "Login token or personal API token (aic_...)" },
        session: { type: "apiKey", in: "cookie", name: "aic.session" },
      },
    },
  };
}
