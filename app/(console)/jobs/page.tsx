// The jobs list: users see their own, admins everyone's (with owners). Auth: user (checked by
// the console layout).
import type { Metadata } from "next";
import { JobsPage } from "@/components/jobs/jobs-page";
import { isAdmin } from "@/server/auth/permissions";
import { requireUser } from "@/server/auth/page-guard";

export const metadata: Metadata = { title: "Jobs" };

export default async function JobsListPage() {
  return <JobsPage isAdmin={isAdmin(await requireUser())} />;
}
