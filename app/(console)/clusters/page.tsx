// The Slurm clusters with their health, each linking to its page. Auth: user (checked by the
// console layout); administrators also get a link to manage them.
import type { Metadata } from "next";
import { ClustersPage } from "@/components/clusters/clusters-page";
import { isAdmin } from "@/server/auth/permissions";
import { requireUser } from "@/server/auth/page-guard";

export const metadata: Metadata = { title: "Clusters" };

export default async function ClustersListPage() {
  return <ClustersPage isAdmin={isAdmin(await requireUser())} />;
}
