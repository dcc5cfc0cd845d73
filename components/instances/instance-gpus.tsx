"use client";
import { Card, Col, Flex, Progress, Row, Space, Tag, Typography } from "antd";
import type { TInstance } from "@/lib/contracts/instances";
import type { TGpuEvent, TGpuReading } from "@/lib/contracts/metrics";
import { formatBytes } from "@/lib/format";
import { useT } from "../providers/i18n";

// The GPUs an instance holds, live: each one's utilization and memory against the
// instance's limit on it (a whole GPU: the card's memory; a share: the GB it was given),
// from the node's latest nvidia-smi poll.

const MiB = 2 ** 20;

/** The memory an instance may use on a GPU it holds, MiB. */
export function gpuLimitMb(held: TInstance["gpus"][number], reading: TGpuReading | undefined): number {
  return held.exclusive && reading?.memoryTotalMb ? reading.memoryTotalMb : held.memoryGb * 1024;
}

export function InstanceGpus({
  instance,
  events,
  subscribed,
  telemetry,
}: {
  instance: TInstance;
  events: TGpuEvent[];
  subscribed: boolean;
  telemetry: boolean;
}) {
  const t = useT();
  if (!instance.gpus.length) return null;
  const latest = events.at(-1);
  return (
    <Flex vertical gap="small" data-testid="instance-gpus">
      <Typography.Text strong>{t("instances.gpusLive")}</Typography.Text>
      <Row gutter={[16, 16]}>
        {instance.gpus.map((g) => {
          const r = latest?.gpus.find((x) => x.index === g.index);
          const limit = gpuLimitMb(g, r);
          const used = r?.memoryUsedMb ?? null;
          const memoryPercent = used === null ? 0 : Math.min(100, Math.round((used / limit) * 1000) / 10);
          return (
            <Col xs={24} md={12} xl={8} key={g.index}>
              <Card
                size="small"
                data-testid={`gpu-${g.index}`}
                title={`GPU ${g.index}${instance.gpuModel ? ` · ${instance.gpuModel}` : ""}`}
                extra={!g.exclusive && <Tag color="purple">{t("instances.gpuShared")}</Tag>}
              >
                <Space orientation="vertical" size={4} style={{ width: "100%" }}>
                  <Typography.Text type="secondary">{t("instances.gpuUtilization")}</Typography.Text>
                  <Progress
                    percent={r?.utilization ?? 0}
                    format={() => (r?.utilization == null ? "—" : `${r.utilization}%`)}
                    data-testid={`gpu-${g.index}-utilization`}
                  />
                  <Typography.Text type="secondary">{t("instances.gpuMemory")}</Typography.Text>
                  <Progress percent={memoryPercent} status={memoryPercent > 90 ? "exception" : "normal"} showInfo={false} />
                  <Typography.Text data-testid={`gpu-${g.index}-memory`}>
                    {used === null ? "—" : formatBytes(used * MiB)} / {formatBytes(limit * MiB)}
                  </Typography.Text>
                  <Typography.Text type="secondary">
                    {[
                      r?.temperature != null && t("instances.gpuTemperature", { value: r.temperature }),
                      r?.powerW != null && t("instances.gpuPower", { value: r.powerW }),
                    ]
                      .filter(Boolean)
                      .join(" · ") || "\u00a0"}
                  </Typography.Text>
                  {!g.exclusive && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t("instances.gpuSharedNote")}
                    </Typography.Text>
                  )}
                </Space>
              </Card>
            </Col>
          );
        })}
      </Row>
      {!latest && subscribed && <Typography.Text type="secondary">{telemetry ? t("instances.gpuWaiting") : t("instances.gpuNoTelemetry")}</Typography.Text>}
    </Flex>
  );
}
