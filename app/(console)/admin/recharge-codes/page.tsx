// Admin: recharge codes (batches, usage, codes shown once, disabling). Auth: admin.
import type { Metadata } from "next";
import { RechargeCodesPage } from "@/components/admin/recharge-codes-page";
import { Forbidden } from "@/components/common/forbidden";
import { requireAdmin } from "@/server/auth/page-guard";

export const metadata: Metadata = { title: "Recharge codes" };

export default async function AdminRechargeCodesPage() {
  if (!(await requireAdmin())) return <Forbidden />;
  return <RechargeCodesPage />;
}
