"use client";
import { Descriptions, Space, Tag, Typography } from "antd";
import type { TInstance } from "@/lib/contracts/instances";
import { formatMoney, formatTime } from "@/lib/format";
import { runningTime } from "../billing/ledger-text";
import { usePrefs, useT } from "../providers/i18n";

// What an instance was launched with, what it holds now (GPUs only while it runs), and what
// it has cost so far for how much running time.

function HeldGpus({ instance: i }: { instance: TInstance }) {
  const t = useT();
  if (!i.gpus.length) {
    return (
      <Space>
        {t("common.none")}
        {i.gpuCount > 0 && (
          <Typography.Text type="secondary">{i.withoutGpu ? t("instances.startedWithoutGpuNote") : t("instances.gpusReleased")}</Typography.Text>
        )}
      </Space>
    );
  }
  return (
    <Space wrap size={4}>
      {i.gpus.map((g) => (
        <Tag key={g.index} color={g.exclusive ? "blue" : "purple"}>
          {t("instances.gpuHeld", { index: g.index, gb: g.memoryGb })}
          {!g.exclusive && ` · ${t("instances.gpuShared")}`}
        </Tag>
      ))}
    </Space>
  );
}

export function InstanceOverview({ instance: i }: { instance: TInstance }) {
  const t = useT();
  const { locale } = usePrefs();
  const gpuSpec =
    i.gpuCount > 0
      ? `${t("catalog.gpus", { count: i.gpuCount, model: i.gpuModel ?? "GPU" })} · ${t("catalog.gpuMemory", { gb: i.gpuMemoryGb })}`
      : t("catalog.cpuOnly");
  return (
    <Descriptions
      bordered
      size="small"
      column={{ xs: 1, md: 2 }}
      items={[
        {
          key: "image",
          label: t("instances.image"),
          span: "filled",
          children: (
            <Space wrap>
              {i.imageName}
              <Typography.Text code copyable>
                {i.imageAddress}
              </Typography.Text>
            </Space>
          ),
        },
        { key: "spec", label: t("instances.spec"), children: `${i.specName} (${gpuSpec})` },
        { key: "gpus", label: t("instances.gpusHeld"), children: <HeldGpus instance={i} /> },
        { key: "cpu", label: t("specs.cpuCores"), children: t("catalog.cores", { count: i.cpuCores }) },
        { key: "memory", label: t("specs.memoryGb"), children: t("catalog.memory", { gb: i.memoryGb }) },
        { key: "disks", label: t("instances.disks"), children: t("catalog.disks", { system: i.systemDiskGb, data: i.dataDiskGb }) },
        {
          key: "data",
          label: t("instances.dataPath"),
          children: (
            <Space orientation="vertical" size={0}>
              <Typography.Text code copyable>
                {i.dataPath}
              </Typography.Text>
              <Typography.Text type="secondary">{t("instances.dataKept")}</Typography.Text>
            </Space>
          ),
        },
        { key: "node", label: t("instances.node"), children: i.nodeName ?? "—" },
        { key: "price", label: t("instances.price"), children: t("catalog.perHour", { price: formatMoney(i.pricePerHourCents, locale) }) },
        {
          key: "cost",
          label: t("billing.costSoFar"),
          children: <span data-testid="instance-cost">{i.costCents === undefined ? "—" : formatMoney(i.costCents, locale)}</span>,
        },
        {
          key: "uptime",
          label: t("billing.runningTime"),
          children: <span data-testid="instance-uptime">{i.runningSeconds === undefined ? "—" : runningTime(t, i.runningSeconds, locale)}</span>,
        },
        { key: "owner", label: t("instances.owner"), children: i.username },
        {
          key: "container",
          label: t("instances.container"),
          children: i.containerId ? (
            <Typography.Text code copyable={{ text: i.containerId }}>
              {i.containerId.slice(0, 12)}
            </Typography.Text>
          ) : (
            "—"
          ),
        },
        { key: "created", label: t("common.createdAt"), children: formatTime(i.createdAt) },
        { key: "started", label: t("instances.startedAt"), children: formatTime(i.startedAt) },
        { key: "stopped", label: t("instances.stoppedAt"), children: formatTime(i.stoppedAt) },
        { key: "id", label: "ID", children: <Typography.Text copyable>{i.id}</Typography.Text> },
        { key: "remark", label: t("instances.remark"), span: "filled", children: i.remark ?? "—" },
      ]}
    />
  );
}
