"use client";
import { Result } from "antd";
import { useT } from "../providers/i18n";

export function Forbidden() {
  const t = useT();
  return <Result status="403" title={t("forbidden.title")} subTitle={t("forbidden.body")} />;
}
