// GET /api/v1/specs: specs with how many nodes could host one now (users: listed only).
// POST /api/v1/specs: add a spec. Auth: user (GET), admin (POST).
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { createSpec, listSpecs } from "@/server/specs/specs.service";

export const GET = handle(api.listSpecs, async ({ principal, query }) => ({ ...(await listSpecs(principal, query)), ...query }));
export const POST = handle(api.createSpec, ({ body }) => createSpec(body));
