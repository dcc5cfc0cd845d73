// GET /api/v1/specs/{id}/nodes: nodes that could host one instance of the spec now, with
// their free capacity. Auth: user (listed specs) / admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { specNodes } from "@/server/specs/specs.service";

export const GET = handle(api.specNodes, ({ principal, params }) => specNodes(principal, params.id));
