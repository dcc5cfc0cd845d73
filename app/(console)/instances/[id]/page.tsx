// One instance: status, controls, overview, logs, stats, terminal, SSH access. Auth: user
// (checked by the console layout); the API answers 404 for instances of other users.
import type { Metadata } from "next";
import { InstanceDetail } from "@/components/instances/instance-detail";

export const metadata: Metadata = { title: "Instance" };

export default async function InstancePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <InstanceDetail id={id} />;
}
