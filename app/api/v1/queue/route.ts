// GET /api/v1/queue: runs waiting and running in order. Auth: user (own runs; admins: all, with node load).
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { queue } from "@/server/jobs/queue.service";

export const GET = handle(api.queue, ({ principal }) => queue(principal));
