// GET/PATCH /api/v1/admin/settings: console-wide settings (registration on/off). Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { getSettings, updateSettings } from "@/server/settings/settings.service";

export const GET = handle(api.getSettings, () => getSettings());
export const PATCH = handle(api.updateSettings, ({ body }) => updateSettings(body));
