// Admin: nodes. Auth: admin.
import type { Metadata } from "next";
import { NodesPage } from "@/components/admin/nodes-page";
import { Forbidden } from "@/components/common/forbidden";
import { requireAdmin } from "@/server/auth/page-guard";

export const metadata: Metadata = { title: "Nodes" };

export default async function AdminNodesPage() {
  if (!(await requireAdmin())) return <Forbidden />;
  return <NodesPage />;
}
