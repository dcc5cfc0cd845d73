// Admin: console settings (maintenance, registration, per-user limits, jobs, SSH, billing,
// network, audit retention, metrics access). Auth: admin.
import type { Metadata } from "next";
import { Forbidden } from "@/components/common/forbidden";
import { SettingsPage } from "@/components/admin/settings-page";
import { requireAdmin } from "@/server/auth/page-guard";

export const metadata: Metadata = { title: "Settings" };

export default async function AdminSettingsPage() {
  if (!(await requireAdmin())) return <Forbidden />;
  return <SettingsPage />;
}
