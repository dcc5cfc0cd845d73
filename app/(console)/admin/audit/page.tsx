// Admin: the audit log (filters, event details, CSV export). Auth: admin.
import type { Metadata } from "next";
import { AuditPage } from "@/components/admin/audit-page";
import { Forbidden } from "@/components/common/forbidden";
import { requireAdmin } from "@/server/auth/page-guard";

export const metadata: Metadata = { title: "Audit log" };

export default async function AdminAuditPage() {
  if (!(await requireAdmin())) return <Forbidden />;
  return <AuditPage />;
}
