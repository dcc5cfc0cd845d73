"use client";
import Link from "@/components/common/link";
import { Alert, Breadcrumb, Button, Card, Col, Descriptions, Flex, Grid, Progress, Result, Row, Skeleton, Space, Statistic, Tabs, Tag, Typography } from "antd";
import { PlusOutlined, SettingOutlined } from "@ant-design/icons";
import { ApiError } from "@/lib/api/client";
import type { TClusterOverview } from "@/lib/contracts/clusters";
import { useCluster, useClusterOverview } from "@/lib/hooks/clusters";
import { useUrlState } from "@/lib/hooks/url-state";
import { formatTime } from "@/lib/format";
import { statusText } from "../common/error-text";
import { LoadError } from "../common/listing";
import { ClusterHistory, ClusterJobsTab, ClusterNodesTab, ClusterPartitionsTab, MyClusterRuns } from "./cluster-tabs";
import { ClusterStatusTag, formatMbPair } from "./cluster-status";
import { useT } from "../providers/i18n";

// One Slurm cluster, for everyone: its health (status and why, Slurm release, API version,
// healthy since, when the figures were read), nodes by state, CPUs, GPUs and memory
// allocated of total, pending and running jobs; tabs with the nodes, the partitions (with
// prices) and the jobs (administrators: Slurm's whole queue; users: their own runs there),
// and for administrators the status history. Read again every 10 s; an unreachable cluster
// shows its reason instead of figures.

const ALERT_TYPE = { degraded: "warning", unreachable: "error", unknown: "info", healthy: "success" } as const;

/** Phones: smaller figures, so "12 / 24 GB" stays on one line in half the width. */
const useFigureSize = () => (Grid.useBreakpoint().sm === false ? { content: { fontSize: 18 } } : undefined);

function Stat({ title, value, part, testId }: { title: string; value: string; part?: { allocated: number; total: number }; testId: string }) {
  const percent = part && part.total > 0 ? Math.round((part.allocated / part.total) * 100) : null;
  const styles = useFigureSize();
  return (
    <Card size="small" style={{ height: "100%" }} data-testid={testId}>
      <Statistic title={title} value={value} styles={styles} />
      {percent !== null && <Progress percent={percent} size="small" showInfo={false} />}
    </Card>
  );
}

function Figures({ o }: { o: TClusterOverview }) {
  const t = useT();
  const read = o.readAt !== null;
  const pair = (p: { allocated: number; total: number }) => (read ? `${p.allocated} / ${p.total}` : "—");
  const states = Object.entries(o.nodes.byState).sort((a, b) => b[1] - a[1]);
  const styles = useFigureSize();
  return (
    <Row gutter={[12, 12]} data-testid="cluster-figures">
      <Col xs={12} md={8} xl={4}>
        <Card size="small" style={{ height: "100%" }} data-testid="stat-nodes">
          <Statistic title={t("clusters.nodes")} value={read ? o.nodes.total : "—"} styles={styles} />
          <Flex gap={4} wrap style={{ marginTop: 4 }}>
            {states.map(([state, n]) => (
              <Tag key={state} bordered={false} style={{ marginInlineEnd: 0 }}>
                {`${state} ${n}`}
              </Tag>
            ))}
          </Flex>
        </Card>
      </Col>
      <Col xs={12} md={8} xl={4}>
        <Stat title={t("clusters.cpus")} value={pair(o.cpus)} part={read ? o.cpus : undefined} testId="stat-cpus" />
      </Col>
      <Col xs={12} md={8} xl={4}>
        <Stat title={t("clusters.gpus")} value={pair(o.gpus)} part={read ? o.gpus : undefined} testId="stat-gpus" />
      </Col>
      <Col xs={12} md={8} xl={4}>
        <Stat
          title={t("clusters.memory")}
          value={read ? formatMbPair(o.memoryMb.allocated, o.memoryMb.total) : "—"}
          part={read ? o.memoryMb : undefined}
          testId="stat-memory"
        />
      </Col>
      <Col xs={12} md={8} xl={4}>
        <Stat title={t("clusters.pendingJobs")} value={read ? String(o.jobs.pending) : "—"} testId="stat-pending" />
      </Col>
      <Col xs={12} md={8} xl={4}>
        <Stat title={t("clusters.runningJobs")} value={read ? String(o.jobs.running) : "—"} testId="stat-running" />
      </Col>
    </Row>
  );
}

export function ClusterPage({ id, isAdmin }: { id: string; isAdmin: boolean }) {
  const t = useT();
  const cluster = useCluster(id);
  const overview = useClusterOverview(id);
  const [url, setUrl] = useUrlState({ tab: "nodes" });
  // Phones: the buttons go under the title, which keeps its room.
  const wide = Grid.useBreakpoint().md !== false;

  if (cluster.isError && cluster.error instanceof ApiError && cluster.error.status === 404) {
    return <Result status="404" title={t("notFound.title")} subTitle={t("notFound.body")} extra={<Link href="/clusters">{t("clusters.title")}</Link>} />;
  }
  if (cluster.isError && !cluster.data) return <LoadError onRetry={() => void cluster.refetch()} />;
  if (!cluster.data) return <Skeleton active />;
  const c = cluster.data;
  const o = overview.data;
  const status = o?.status ?? c.status;
  const reason = o ? statusText(t.locale ?? "en-US", o.messageRef, o.message) : statusText(t.locale ?? "en-US", c.statusRef, c.statusMessage);

  const tabs = [
    { key: "nodes", label: t("clusters.tabNodes"), children: <ClusterNodesTab clusterId={id} /> },
    { key: "partitions", label: t("clusters.tabPartitions"), children: <ClusterPartitionsTab clusterId={id} /> },
    { key: "jobs", label: t("clusters.tabJobs"), children: isAdmin ? <ClusterJobsTab clusterId={id} /> : <MyClusterRuns clusterId={id} /> },
    ...(isAdmin ? [{ key: "history", label: t("clusters.tabHistory"), children: <ClusterHistory clusterId={id} /> }] : []),
  ];
  const tab = tabs.some((x) => x.key === url.tab) ? url.tab : "nodes";
  const controls = (
    <Space wrap>
      <Link href={`/jobs/new?executor=slurm&clusterId=${encodeURIComponent(c.id)}`}>
        <Button icon={<PlusOutlined />}>{t("clusters.newSlurmJob")}</Button>
      </Link>
      {isAdmin && (
        <Link href={`/admin/clusters?cluster=${encodeURIComponent(c.id)}`}>
          <Button icon={<SettingOutlined />}>{t("clusters.manage")}</Button>
        </Link>
      )}
    </Space>
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Breadcrumb items={[{ title: <Link href="/clusters">{t("clusters.title")}</Link> }, { title: c.name }]} />
      <Card
        title={
          <Space wrap>
            <span>{c.name}</span>
            <ClusterStatusTag status={status} />
          </Space>
        }
        extra={wide ? controls : undefined}
      >
        <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
          {!wide && controls}
          {status !== "healthy" && (reason || !o?.readAt) && (
            <Alert
              type={ALERT_TYPE[status]}
              showIcon
              title={t(`clusters.statuses.${status}`)}
              description={[reason, o && !o.readAt ? t("clusters.noFigures") : null].filter(Boolean).join(" ")}
              data-testid="cluster-reason"
            />
          )}
          <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} bordered>
            <Descriptions.Item label={t("clusters.release")}>{o?.release ?? c.release ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={t("clusters.apiVersion")}>{o?.apiVersion ?? c.apiVersion ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={t("clusters.healthySince")}>{formatTime(o?.healthySince ?? null)}</Descriptions.Item>
            <Descriptions.Item label={t("clusters.checkedAt")}>{formatTime(o?.checkedAt ?? c.lastCheckedAt)}</Descriptions.Item>
            <Descriptions.Item label={t("clusters.readAt")}>
              <Space size={4} wrap>
                <span data-testid="read-at">{formatTime(o?.readAt ?? null)}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  ({t("clusters.refreshNote")})
                </Typography.Text>
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t("clusters.loginNode")}>{c.hasLoginNode ? t("common.yes") : t("common.no")}</Descriptions.Item>
          </Descriptions>
          {overview.isError && !o ? (
            <LoadError onRetry={() => void overview.refetch()} />
          ) : !o ? (
            <Skeleton active paragraph={{ rows: 2 }} />
          ) : (
            <Figures o={o} />
          )}
        </Space>
      </Card>
      <Card>
        <Tabs activeKey={tab} onChange={(k) => setUrl((prev) => ({ ...prev, tab: k }))} items={tabs} destroyOnHidden />
      </Card>
    </Space>
  );
}
