// One run: status, progress, timeline, cost, result and live output. Auth: user (the API
// answers 404 for other users' runs).
import type { Metadata } from "next";
import { RunDetail } from "@/components/jobs/run-detail";

export const metadata: Metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <RunDetail id={id} />;
}
