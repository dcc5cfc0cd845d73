// Admin: the nodes as job workers, and the jobs at a glance. Auth: admin.
import type { Metadata } from "next";
import { WorkersPage } from "@/components/admin/workers-page";
import { Forbidden } from "@/components/common/forbidden";
import { requireAdmin } from "@/server/auth/page-guard";

export const metadata: Metadata = { title: "Workers" };

export default async function AdminWorkersPage() {
  if (!(await requireAdmin())) return <Forbidden />;
  return <WorkersPage />;
}
