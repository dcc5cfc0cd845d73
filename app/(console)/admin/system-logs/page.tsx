// Admin: the system log (the console's warn, error and fatal lines; a day's NDJSON download). Auth: admin.
import type { Metadata } from "next";
import { SystemLogsPage } from "@/components/admin/system-logs-page";
import { Forbidden } from "@/components/common/forbidden";
import { requireAdmin } from "@/server/auth/page-guard";

export const metadata: Metadata = { title: "System log" };

export default async function AdminSystemLogsPage() {
  if (!(await requireAdmin())) return <Forbidden />;
  return <SystemLogsPage />;
}
