// One Slurm cluster: status, nodes, partitions, jobs (administrators: the whole queue and the
// status history; users: their own runs). Auth: user (checked by the console layout).
import type { Metadata } from "next";
import { ClusterPage } from "@/components/clusters/cluster-page";
import { isAdmin } from "@/server/auth/permissions";
import { requireUser } from "@/server/auth/page-guard";

export const metadata: Metadata = { title: "Cluster" };

export default async function ClusterDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ClusterPage id={id} isAdmin={isAdmin(await requireUser())} />;
}
