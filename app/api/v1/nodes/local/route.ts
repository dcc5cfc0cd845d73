// GET /api/v1/nodes/local: offer this machine's Docker socket as a node. Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { localNodeOffer } from "@/server/nodes/nodes.service";

export const GET = handle(api.localNode, () => localNodeOffer());
