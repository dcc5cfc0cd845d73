// POST /api/v1/nodes/{id}/test: Docker/TLS, SSH login and host key, nvidia-smi, HAMi-core.
// Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { testNode } from "@/server/nodes/nodes.service";

export const POST = handle(api.testNode, ({ params }) => testNode(params.id));
