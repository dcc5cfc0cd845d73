// GET /api/health: { status, database, version, uptimeSeconds }; 503 when the database is
// unreachable. Public, not rate limited.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { health } from "@/server/system/health.service";

export const dynamic = "force-dynamic";

export const GET = handle(api.health, async () => {
  const h = await health();
  return Response.json(api.health.response.parse(h), { status: h.database === "ok" ? 200 : 503 });
});
