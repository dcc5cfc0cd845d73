// Admin: specs. Auth: admin.
import type { Metadata } from "next";
import { SpecsPage } from "@/components/admin/specs-page";
import { Forbidden } from "@/components/common/forbidden";
import { requireAdmin } from "@/server/auth/page-guard";

export const metadata: Metadata = { title: "Specs" };

export default async function AdminSpecsPage() {
  if (!(await requireAdmin())) return <Forbidden />;
  return <SpecsPage />;
}
