// Placeholder until its issue lands. Auth: admin.
import { Forbidden } from "@/components/common/forbidden";
import { Placeholder } from "@/components/common/placeholder";
import { requireAdmin } from "@/server/auth/page-guard";

export default async function AdminRechargeCodesPage() {
  if (!(await requireAdmin())) return <Forbidden />;
  return <Placeholder page="nav.rechargeCodes" />;
}
