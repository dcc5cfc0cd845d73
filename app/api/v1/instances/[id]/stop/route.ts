// POST /api/v1/instances/{id}/stop. Auth: user (own instances; admins: any).
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { stopInstance } from "@/server/instances/stop";

export const POST = handle(api.stopInstance, ({ principal, params }) => stopInstance(principal, params.id));
