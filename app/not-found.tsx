"use client";
import Link from "@/components/common/link";
import { Button, Result } from "antd";
import { useT } from "@/components/providers/i18n";

export default function NotFound() {
  const t = useT();
  return (
    <Result
      status="404"
      title={t("notFound.title")}
      subTitle={t("notFound.body")}
      extra={
        <Link href="/dashboard">
          <Button type="primary">{t("notFound.home")}</Button>
        </Link>
      }
    />
  );
}
