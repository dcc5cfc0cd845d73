// GET /api/v1/auth/config: what the sign-in pages need (is registration open). Public.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { getSettings } from "@/server/settings/settings.service";

export const GET = handle(api.config, async () => ({ registrationEnabled: (await getSettings()).registrationEnabled }));
