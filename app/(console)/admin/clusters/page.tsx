// Admin: Slurm clusters (register, test, user names, delete). Auth: admin.
import type { Metadata } from "next";
import { ClustersAdminPage } from "@/components/clusters/clusters-admin-page";
import { Forbidden } from "@/components/common/forbidden";
import { requireAdmin } from "@/server/auth/page-guard";

export const metadata: Metadata = { title: "Clusters" };

export default async function AdminClustersPage() {
  if (!(await requireAdmin())) return <Forbidden />;
  return <ClustersAdminPage />;
}
