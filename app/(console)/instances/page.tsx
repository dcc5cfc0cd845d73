// The instances list: users see their own, admins everyone's (with owners). Auth: user
// (checked by the console layout).
import type { Metadata } from "next";
import { InstancesPage } from "@/components/instances/instances-page";
import { isAdmin } from "@/server/auth/permissions";
import { requireUser } from "@/server/auth/page-guard";

export const metadata: Metadata = { title: "Instances" };

export default async function InstancesListPage() {
  return <InstancesPage isAdmin={isAdmin(await requireUser())} />;
}
