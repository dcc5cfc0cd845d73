// GET/POST /api/v1/users/me/ssh-keys: my SSH public keys, which sign me in to the jump host.
// Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { addKey, listKeys } from "@/server/ssh/keys.service";

export const GET = handle(api.listSshKeys, async ({ principal }) => ({ items: await listKeys(principal) }));
export const POST = handle(api.createSshKey, ({ principal, body }) => addKey(principal, body));
