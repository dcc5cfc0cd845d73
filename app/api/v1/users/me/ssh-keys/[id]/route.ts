// DELETE /api/v1/users/me/ssh-keys/{id}: remove one of my SSH keys; jump-host sessions it
// opened end. Auth: user.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { deleteKey } from "@/server/ssh/keys.service";

export const DELETE = handle(api.deleteSshKey, ({ principal, params }) => deleteKey(principal, params.id));
