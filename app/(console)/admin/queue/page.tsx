// Admin: the job queue across users, with each node's load. Auth: admin.
import type { Metadata } from "next";
import { QueuePage } from "@/components/admin/queue-page";
import { Forbidden } from "@/components/common/forbidden";
import { requireAdmin } from "@/server/auth/page-guard";

export const metadata: Metadata = { title: "Queue" };

export default async function AdminQueuePage() {
  if (!(await requireAdmin())) return <Forbidden />;
  return <QueuePage />;
}
