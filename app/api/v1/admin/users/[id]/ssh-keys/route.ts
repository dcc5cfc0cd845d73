// GET /api/v1/admin/users/{id}/ssh-keys: a user's SSH public keys (read-only). Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { listUserKeys } from "@/server/ssh/keys.service";

export const GET = handle(api.listUserSshKeys, async ({ params }) => ({ items: await listUserKeys(params.id) }));
