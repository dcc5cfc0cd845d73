// GET /api/openapi.json: the OpenAPI 3.1 document generated from lib/contracts. Public.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { buildOpenApiDocument } from "@/server/openapi/document";
import { VERSION } from "@/server/system/version";

export const GET = handle(api.openapi, async () => Response.json(buildOpenApiDocument(VERSION)));
