// GET /api/v1/auth/config: what the pages need before anything else (is registration open,
// are apps on their own domains). Public.
import { api } from "@/lib/contracts";
import { appsDomain } from "@/server/apps/origins";
import { handle } from "@/server/http/route";
import { getSettings } from "@/server/settings/settings.service";

export const GET = handle(api.config, async () => ({
  registrationEnabled: (await getSettings()).registrationEnabled,
  appsOnOwnDomains: appsDomain() !== null,
}));
