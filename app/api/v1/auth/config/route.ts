// GET /api/v1/auth/config: what the pages need before anything else (is registration open,
// are apps on their own domains, is the console in maintenance). Public.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { publicConfig } from "@/server/settings/settings.service";

export const GET = handle(api.config, () => publicConfig());
