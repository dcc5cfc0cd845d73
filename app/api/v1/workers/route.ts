// GET /api/v1/workers: the nodes as job workers. Auth: admin.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { listWorkers } from "@/server/jobs/queue.service";

export const GET = handle(api.listWorkers, () => listWorkers());
