// GET /api/v1/images/{id}/nodes: the image's presence on each node's Docker engine. Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { imagePresenceByNode } from "@/server/images/images.service";

export const GET = handle(api.imageNodes, ({ principal, params }) => imagePresenceByNode(principal, params.id));
