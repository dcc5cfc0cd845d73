// GET/PATCH/DELETE /api/v1/images/{id}. Auth: user (GET, listed only), admin (PATCH, DELETE).
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { deleteImage, getImage, updateImage } from "@/server/images/images.service";

export const GET = handle(api.getImage, ({ principal, params }) => getImage(principal, params.id));
export const PATCH = handle(api.updateImage, ({ principal, params, body }) => updateImage(principal, params.id, body));
export const DELETE = handle(api.deleteImage, ({ principal, params }) => deleteImage(principal, params.id));
