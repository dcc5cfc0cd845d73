"use client";
import { Space, Tag, Typography } from "antd";
import type { TSpec } from "@/lib/contracts/specs";
import { formatMoney } from "@/lib/format";
import { usePrefs, useT } from "../providers/i18n";

/** What a spec offers: GPUs (or CPU only), CPU and memory, disks and the price per hour. */
export function SpecFacts({ spec: s }: { spec: TSpec }) {
  const t = useT();
  const { locale } = usePrefs();
  return (
    <Space orientation="vertical" size={4}>
      {s.gpuCount > 0 ? (
        <Typography.Text strong>
          {t("catalog.gpus", { count: s.gpuCount, model: s.gpuModel ?? "" })} · {t("catalog.gpuMemory", { gb: s.gpuMemoryGb })}
          {s.supportMemorySplit && (
            <Tag color="purple" style={{ marginLeft: 8 }}>
              {t("catalog.memorySplit")}
            </Tag>
          )}
        </Typography.Text>
      ) : (
        <Tag>{t("catalog.cpuOnly")}</Tag>
      )}
      <span>
        {t("catalog.cores", { count: s.cpuCores })} · {t("catalog.memory", { gb: s.memoryGb })}
      </span>
      <Typography.Text type="secondary">{t("catalog.disks", { system: s.systemDiskGb, data: s.dataDiskGb })}</Typography.Text>
      <Typography.Title level={4} style={{ margin: "8px 0 0" }}>
        {t("catalog.perHour", { price: formatMoney(s.pricePerHourCents, locale) })}
      </Typography.Title>
    </Space>
  );
}
