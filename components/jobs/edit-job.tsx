"use client";
import Link from "@/components/common/link";
import { Result, Skeleton } from "antd";
import { ApiError } from "@/lib/api/client";
import { useJob } from "@/lib/hooks/jobs";
import { LoadError } from "../common/listing";
import { JobForm } from "./job-form";
import { useT } from "../providers/i18n";

// The job form filled with a job as it is (loaded once it is there).

export function EditJob({ id }: { id: string }) {
  const t = useT();
  const job = useJob(id);
  if (job.isError && job.error instanceof ApiError && job.error.status === 404) {
    return <Result status="404" title={t("notFound.title")} subTitle={t("notFound.body")} extra={<Link href="/jobs">{t("jobs.title")}</Link>} />;
  }
  if (job.isError) return <LoadError onRetry={() => void job.refetch()} />;
  if (!job.data) return <Skeleton active />;
  return <JobForm job={job.data} />;
}
