// GET /api/v1/specs/{id}/nodes?imageId=: nodes that could host one instance of the spec now,
// with their free capacity, whether each can run the image, and the spec's availability.
// Auth: user (listed specs and images) / admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { specNodes } from "@/server/specs/specs.service";

export const GET = handle(api.specNodes, ({ principal, params, query }) => specNodes(principal, params.id, query.imageId));
