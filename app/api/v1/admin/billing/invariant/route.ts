// GET /api/v1/admin/billing/invariant: every balance equals the sum of its ledger. Auth: admin.
import { api } from "@/lib/contracts";
import { invariant } from "@/server/billing/billing.service";
import { handle } from "@/server/http/route";

export const GET = handle(api.billingInvariant, () => invariant());
