// GET /api/v1/images: users see listed images, admins all (filters name, isListed).
// POST /api/v1/images: add an image. Auth: user (GET), admin (POST).
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { createImage, listImages } from "@/server/images/images.service";

export const GET = handle(api.listImages, async ({ principal, query }) => ({ ...(await listImages(principal, query)), ...query }));
export const POST = handle(api.createImage, ({ body }) => createImage(body));
