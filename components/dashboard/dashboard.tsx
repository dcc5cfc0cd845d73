"use client";
import Link from "next/link";
import { Card, Col, Flex, List, Result, Row, Skeleton, Statistic, Typography, Button } from "antd";
import { useInstances } from "@/lib/hooks/instances";
import { useMe } from "@/lib/hooks/users";
import { InstanceStatusBadge } from "../instances/instance-status";
import { ClusterOverview } from "./cluster-overview";
import { formatMoney, formatTime } from "@/lib/format";
import { usePrefs, useT } from "../providers/i18n";

/** The user's latest instances, with how many run. */
function MyInstances({ userId }: { userId: string }) {
  const t = useT();
  // Admins see everyone's instances by default: the dashboard shows one's own.
  const list = useInstances({ page: 1, pageSize: 5, userId });
  const running = useInstances({ page: 1, pageSize: 1, status: "running", userId });
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
            <List.Item extra={<InstanceStatusBadge status={i.status} />}>
              <Link href={`/instances/${i.id}`}>{i.name}</Link>
              <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                {i.specName} · {i.nodeName ?? "—"}
              </Typography.Text>
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
          <Card>
            <Statistic title={t("dashboard.balance")} value={formatMoney(u.balanceCents, locale)} data-testid="balance" />
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card>
            <Statistic title={t("dashboard.role")} value={u.role === "admin" ? t("users.admin") : t("users.user")} />
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card>
            <Statistic title={t("dashboard.memberSince")} value={formatTime(u.createdAt)} />
          </Card>
        </Col>
      </Row>
      <div style={{ marginTop: 16 }}>
        <MyInstances userId={u.id} />
      </div>
      {u.role === "admin" && (
        <div style={{ marginTop: 24 }}>
          <ClusterOverview />
        </div>
      )}
    </>
  );
}
