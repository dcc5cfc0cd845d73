// PUT /api/v1/workers/{id}: a node's job limit, tags and whether it takes work. Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { updateWorker } from "@/server/jobs/queue.service";

export const PUT = handle(api.updateWorker, ({ params, body }) => updateWorker(params.id, body));
