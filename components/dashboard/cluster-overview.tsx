"use client";
import { Card, Col, Empty, Flex, Row, Skeleton, Statistic, Tooltip, Typography, theme } from "antd";
import type { TGpuOverview } from "@/lib/contracts/metrics";
import { formatBytes } from "@/lib/format";
import { useGpuOverview } from "@/lib/hooks/metrics";
import { LoadError } from "../common/listing";
import { useT } from "../providers/i18n";

// Admins' view of the cluster: nodes, GPUs in use, running instances, utilization and GPU
// memory, and a heatmap cell per GPU (colour: latest utilization; ring: allocated).

function heatColor(utilization: number | null, token: ReturnType<typeof theme.useToken>["token"]): string {
  if (utilization === null) return token.colorFillSecondary;
  // Green (idle) → amber → red (saturated).
  const hue = Math.round(140 - Math.min(100, Math.max(0, utilization)) * 1.4);
  return `hsl(${hue} 70% 45%)`;
}

function Heatmap({ heat }: { heat: TGpuOverview["heat"] }) {
  const t = useT();
  const { token } = theme.useToken();
  if (!heat.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("dashboard.noGpuNodes")} />;
  return (
    <Flex vertical gap="small" data-testid="gpu-heatmap">
      {heat.map((n) => (
        <Flex key={n.nodeId} align="center" gap="small">
          <Typography.Text style={{ width: 160 }} ellipsis>
            {n.nodeName}
          </Typography.Text>
          <Flex gap={4} wrap>
            {n.gpus.map((g) => (
              <Tooltip
                key={g.index}
                title={`GPU ${g.index} · ${g.utilization === null ? t("dashboard.noReading") : `${g.utilization}%`} · ${t(g.held ? "dashboard.held" : "dashboard.free")}`}
              >
                <div
                  data-testid={`gpu-cell-${n.nodeName}-${g.index}`}
                  style={{
                    width: 28,
                    height: 28,
                    borderRadius: 4,
                    background: heatColor(g.utilization, token),
                    outline: g.held ? `2px solid ${token.colorPrimary}` : undefined,
                    outlineOffset: 1,
                    color: "#fff",
                    fontSize: 11,
                    display: "grid",
                    placeItems: "center",
                  }}
                >
                  {g.index}
                </div>
              </Tooltip>
            ))}
          </Flex>
        </Flex>
      ))}
    </Flex>
  );
}

export function ClusterOverview() {
  const t = useT();
  const overview = useGpuOverview(true);
  if (overview.isLoading) return <Skeleton active />;
  if (overview.isError || !overview.data) return <LoadError onRetry={() => void overview.refetch()} />;
  const o = overview.data;
  const stats: [string, string, string][] = [
    [t("dashboard.nodesOnline"), `${o.nodes.online} / ${o.nodes.total}`, "nodes"],
    [t("dashboard.gpusBusy"), `${o.gpus.busy} / ${o.gpus.total}`, "gpus"],
    [t("dashboard.runningInstances"), String(o.runningInstances), "running"],
    [t("dashboard.avgUtilization"), o.averageUtilization === null ? "—" : `${o.averageUtilization}%`, "utilization"],
    [t("dashboard.gpuMemory"), o.memoryTotalMb ? `${formatBytes(o.memoryUsedMb * 2 ** 20)} / ${formatBytes(o.memoryTotalMb * 2 ** 20)}` : "—", "memory"],
  ];
  return (
    <Flex vertical gap="middle">
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t("dashboard.cluster")}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        {stats.map(([title, value, id]) => (
          <Col flex="1 1 200px" key={id}>
            <Card size="small">
              <Statistic title={title} value={value} data-testid={`overview-${id}`} />
            </Card>
          </Col>
        ))}
      </Row>
      <Card size="small" title={t("dashboard.heatmap")}>
        <Heatmap heat={o.heat} />
      </Card>
    </Flex>
  );
}
