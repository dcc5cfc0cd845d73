"use client";
import { useMemo } from "react";
import Link from "@/components/common/link";
import { Card, Col, Flex, List, Result, Row, Skeleton, Statistic, Typography, Button } from "antd";
import type { TInstance } from "@/lib/contracts/instances";
import { useInstances } from "@/lib/hooks/instances";
import { useLiveStats, type LiveStats } from "@/lib/hooks/live-stats";
import { useBillingSummary } from "@/lib/hooks/billing";
import { useMe } from "@/lib/hooks/users";
import { InstanceStatusBadge } from "../instances/instance-status";
import { useRunway } from "../billing/runway";
import { ClusterOverview } from "./cluster-overview";
import { PlatformOverview } from "./platform";
import { formatMoney, formatPercent, formatTime } from "@/lib/format";
import { Sparkline } from "../common/sparkline";
import { usePrefs, useT } from "../providers/i18n";

const SPARK_SAMPLES = 120;

/** A running instance's live CPU (and GPU) at a glance. */
function LiveMini({ instance: i, live }: { instance: TInstance; live: LiveStats }) {
  const t = useT();
  const samples = live.stats(i.id);
  const cpu = useMemo(() => samples.slice(-SPARK_SAMPLES).map((s) => [s.ts, Math.min(100, s.cpuPercent)] as [string, number]), [samples]);
  const gpuEvent = i.nodeId ? live.gpu(i.nodeId).at(-1) : undefined;
  const held = gpuEvent?.gpus.filter((g) => i.gpus.some((h) => h.index === g.index) && g.utilization !== null) ?? [];
  const gpu = held.length ? Math.round(held.reduce((s, g) => s + g.utilization!, 0) / held.length) : null;
  const last = samples.at(-1);
  return (
    <Flex align="center" gap="small" data-testid={`mini-${i.name}`}>
      <Sparkline points={cpu} testId={`spark-${i.name}`} />
      <Typography.Text type="secondary" style={{ minWidth: 88, fontSize: 12 }}>
        {last ? t("dashboard.cpuNow", { value: formatPercent(last.cpuPercent) }) : "—"}
        {gpu !== null && (
          <>
            <br />
            {t("dashboard.gpuNow", { value: `${gpu}%` })}
          </>
        )}
      </Typography.Text>
    </Flex>
  );
}

/** The user's latest instances, with how many run and live mini charts of the running ones. */
function MyInstances({ userId }: { userId: string }) {
  const t = useT();
  // Admins see everyone's instances by default: the dashboard shows one's own.
  const list = useInstances({ page: 1, pageSize: 5, userId });
  const running = useInstances({ page: 1, pageSize: 1, status: "running", userId });
  const runningIds = useMemo(() => (list.data?.items ?? []).filter((i) => i.status === "running").map((i) => i.id), [list.data]);
  const live = useLiveStats(runningIds, true);
  return (
    <Card size="small" title={t("dashboard.myInstances")} extra={running.data ? `${running.data.total} ${t("dashboard.running")}` : null}>
      {list.isLoading ? (
        <Skeleton active />
      ) : !list.data?.items.length ? (
        <Flex vertical align="center" gap="small">
          <Typography.Text type="secondary">{t("dashboard.noInstances")}</Typography.Text>
          <Link href="/instances/new">
            <Button type="primary">{t("dashboard.launch")}</Button>
          </Link>
        </Flex>
      ) : (
        <List
          size="small"
          dataSource={list.data.items}
          renderItem={(i) => (
            <List.Item>
              {/* Wraps on phones: the live chart and status go under the name instead of past the screen's edge. */}
              <Flex wrap justify="space-between" align="center" gap="small" style={{ width: "100%" }}>
                <span>
                  <Link href={`/instances/${i.id}`}>{i.name}</Link>
                  <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                    {i.specName} · {i.nodeName ?? "—"}
                  </Typography.Text>
                </span>
                <Flex wrap align="center" gap="middle">
                  {i.status === "running" && <LiveMini instance={i} live={live} />}
                  <InstanceStatusBadge status={i.status} />
                </Flex>
              </Flex>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

/** The user's home: balance and instances; admins also see the cluster. */
export function Dashboard() {
  const t = useT();
  const { locale } = usePrefs();
  const me = useMe();
  const summary = useBillingSummary();
  const runway = useRunway();
  if (me.isLoading) return <Skeleton active />;
  if (me.isError || !me.data) {
    return <Result status="error" title={t("common.loadFailed")} extra={<Button onClick={() => void me.refetch()}>{t("common.retry")}</Button>} />;
  }
  const u = me.data;
  return (
    <>
      <Typography.Title level={3}>{t("dashboard.welcome", { name: u.nickname || u.username })}</Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card style={{ height: "100%" }}>
            <Statistic title={t("dashboard.balance")} value={formatMoney(summary.data?.balanceCents ?? u.balanceCents, locale)} data-testid="balance" />
            {summary.data && (
              <Typography.Text type={summary.data.lowBalance ? "warning" : "secondary"} data-testid="dashboard-runway">
                {runway(summary.data)} · <Link href="/billing">{t("billing.topUp")}</Link>
              </Typography.Text>
            )}
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card style={{ height: "100%" }}>
            <Statistic title={t("dashboard.role")} value={u.role === "admin" ? t("users.admin") : t("users.user")} />
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card style={{ height: "100%" }}>
            <Statistic title={t("dashboard.memberSince")} value={formatTime(u.createdAt)} />
          </Card>
        </Col>
      </Row>
      <div style={{ marginTop: 16 }}>
        <MyInstances userId={u.id} />
      </div>
      {u.role === "admin" && (
        <>
          <div style={{ marginTop: 24 }}>
            <ClusterOverview />
          </div>
          <div style={{ marginTop: 24 }}>
            <PlatformOverview />
          </div>
        </>
      )}
    </>
  );
}
