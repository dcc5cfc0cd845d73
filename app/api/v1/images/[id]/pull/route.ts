// POST /api/v1/images/{id}/pull {nodeId}: pull to a node, progress streamed as JSON lines.
// Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { ndjsonResponse } from "@/server/http/stream";
import { pullToNode } from "@/server/images/images.service";

export const POST = handle(api.pullImage, async ({ principal, params, body, requestId }) =>
  ndjsonResponse(await pullToNode(principal, params.id, body.nodeId), requestId),
);
