// A new job: what it runs, when, retries and placement. Auth: user (checked by the console layout).
import type { Metadata } from "next";
import { JobForm } from "@/components/jobs/job-form";

export const metadata: Metadata = { title: "New job" };

export default function NewJobPage() {
  return <JobForm job={null} />;
}
