"use client";
import { Result } from "antd";
import { RocketOutlined } from "@ant-design/icons";
import { useT } from "../providers/i18n";
import type { MessageKey } from "@/lib/i18n";

/** A friendly page for features that arrive in later releases. */
export function Placeholder({ page }: { page: MessageKey }) {
  const t = useT();
  return <Result icon={<RocketOutlined />} title={t("placeholder.title", { page: t(page) })} subTitle={t("placeholder.body")} />;
}
