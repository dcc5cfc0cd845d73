"use client";
import { Card, Col, Result, Row, Skeleton, Statistic, Typography, Button } from "antd";
import { useMe } from "@/lib/hooks/users";
import { formatMoney, formatTime } from "@/lib/format";
import { usePrefs, useT } from "../providers/i18n";

/** The user's home: who they are and their balance (instances and charts come later). */
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
    </>
  );
}
