"use client";
import Link from "@/components/common/link";
import { Alert, Button, Descriptions, Drawer, Empty, Grid, List, Skeleton, Space, Tag, Typography } from "antd";
import { CheckCircleFilled, CloseCircleFilled, DashboardOutlined, MinusCircleOutlined, ThunderboltOutlined } from "@ant-design/icons";
import type { TClusterCheck, TClusterTest } from "@/lib/contracts/clusters";
import { useCluster, useTrustClusterHostKey } from "@/lib/hooks/clusters";
import { formatTime } from "@/lib/format";
import { statusText } from "../common/error-text";
import { TrustHostKeyAlert } from "../common/trust-host-key";
import { ClusterStatusTag, PriceText } from "./cluster-status";
import { ClusterUsers } from "./cluster-users";
import { usePrefs, useT } from "../providers/i18n";

// Admin: one cluster's connection (secrets as set / not set), the connection test with each
// check (reach, version, auth, partitions, login node), trusting a changed login-node host
// key, and the console users' Slurm user names.

function CheckIcon({ ok }: { ok: boolean | null }) {
  if (ok === true) return <CheckCircleFilled style={{ color: "#52c41a" }} />;
  if (ok === false) return <CloseCircleFilled style={{ color: "#ff4d4f" }} />;
  return <MinusCircleOutlined style={{ color: "#999" }} />;
}

export function ClusterTestResult({ test }: { test: TClusterTest }) {
  const t = useT();
  return (
    <Space orientation="vertical" style={{ width: "100%" }} data-testid="cluster-test">
      <Alert
        type={test.ok ? "success" : "error"}
        showIcon
        title={test.ok ? t("clusters.testPassed") : t("clusters.testFailed")}
        description={
          <Space wrap size={[12, 0]}>
            {test.release && <span>{`${t("clusters.release")}: ${test.release}`}</span>}
            {test.apiVersion && <span>{`${t("clusters.apiVersion")}: ${test.apiVersion}`}</span>}
            {test.partitions.length > 0 && <span data-testid="test-partitions">{t("clusters.testPartitions", { list: test.partitions.join(", ") })}</span>}
          </Space>
        }
      />
      <List<TClusterCheck>
        size="small"
        bordered
        dataSource={test.checks}
        renderItem={(c) => (
          <List.Item data-testid={`check-${c.key}`} data-ok={c.ok === null ? "skipped" : String(c.ok)}>
            <List.Item.Meta
              avatar={<CheckIcon ok={c.ok} />}
              title={
                <Space>
                  <span>{t(`clusters.check_${c.key}`)}</span>
                  {c.ok === null && <Tag>{t("nodes.skipped")}</Tag>}
                </Space>
              }
              description={<span style={{ wordBreak: "break-word" }}>{c.message}</span>}
            />
          </List.Item>
        )}
      />
    </Space>
  );
}

type Props = {
  clusterId: string | null;
  onClose: () => void;
  /** The latest test of this cluster made on this page (null: the one stored with it, if any). */
  test: TClusterTest | null;
  testing: boolean;
  onTest: (id: string) => void;
};

export function ClusterDetail({ clusterId, onClose, test: testNow, testing, onTest }: Props) {
  const t = useT();
  const { locale } = usePrefs();
  // Phones: the whole width.
  const wide = Grid.useBreakpoint().md !== false;
  const cluster = useCluster(clusterId);
  const trust = useTrustClusterHostKey();
  const c = cluster.data;
  const conn = c?.connection ?? null;
  // This page's test, else the last one stored with the cluster.
  const test = testNow ?? c?.lastTest ?? null;
  const login = test?.checks.find((k) => k.key === "login");
  const canTrust = login?.ok === false && !!test?.presentedHostKey && test.presentedHostKey !== conn?.loginHostKey;
  // Phones: the buttons go under the title, which keeps its room.
  const controls = (
    <Space wrap>
      {c && (
        <Link href={`/clusters/${c.id}`}>
          <Button icon={<DashboardOutlined />}>{t("clusters.openPage")}</Button>
        </Link>
      )}
      <Button type="primary" icon={<ThunderboltOutlined />} loading={testing} disabled={!c} onClick={() => c && onTest(c.id)}>
        {testing ? t("nodes.testing") : t("nodes.test")}
      </Button>
    </Space>
  );
  const set = (isSet: boolean | undefined) => <Tag color={isSet ? "green" : "default"}>{isSet ? t("nodes.secretSet") : t("nodes.secretNotSet")}</Tag>;

  return (
    <Drawer
      title={c ? c.name : t("clusters.detail")}
      open={!!clusterId}
      onClose={onClose}
      width={wide ? 720 : "100%"}
      destroyOnHidden
      extra={wide ? controls : undefined}
    >
      {c && (
        <Space orientation="vertical" size="large" style={{ width: "100%" }}>
          {!wide && controls}
          <Descriptions size="small" column={{ xs: 1, sm: 2 }} bordered>
            <Descriptions.Item label={t("clusters.status")} span={2}>
              <ClusterStatusTag status={c.status} />{" "}
              {c.statusMessage && <Typography.Text type="secondary">{statusText(locale, c.statusRef, c.statusMessage)}</Typography.Text>}
            </Descriptions.Item>
            <Descriptions.Item label={t("clusters.url")} span={2}>
              <Typography.Text code>{conn?.url ?? "—"}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t("clusters.authMode")}>{conn ? t(`clusters.authModes.${conn.authMode}`) : "—"}</Descriptions.Item>
            <Descriptions.Item label={t("clusters.secretAuth")}>{set(!!conn)}</Descriptions.Item>
            <Descriptions.Item label={t("clusters.serviceUser")}>{conn?.serviceUser ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={t("clusters.caCert")}>{set(conn?.hasCaCert)}</Descriptions.Item>
            <Descriptions.Item label={t("clusters.release")}>{c.release ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={t("clusters.apiVersion")}>{c.apiVersion ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={t("clusters.loginNode")} span={2}>
              {conn?.loginHost ? (
                <Space wrap>
                  <Typography.Text code>{`${conn.loginUser ?? "?"}@${conn.loginHost}:${conn.loginPort}`}</Typography.Text>
                  {set(conn.hasLoginKey)}
                </Space>
              ) : (
                <Typography.Text type="secondary">{t("clusters.noLoginNode")}</Typography.Text>
              )}
            </Descriptions.Item>
            {conn?.loginHostKey && (
              <Descriptions.Item label={t("nodes.hostKey")} span={2}>
                <Typography.Text code style={{ fontSize: 12, wordBreak: "break-all" }}>
                  {conn.loginHostKey}
                </Typography.Text>
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t("clusters.lastChecked")}>{formatTime(c.lastCheckedAt)}</Descriptions.Item>
            <Descriptions.Item label={t("nodes.lastSeen")}>{formatTime(c.lastSeenAt)}</Descriptions.Item>
            <Descriptions.Item label={t("clusters.price")} span={2}>
              {c.prices.length ? (
                <Space orientation="vertical" size={4}>
                  {c.prices.map((p) => (
                    <Space key={p.partition} align="start">
                      <Tag>{p.partition}</Tag>
                      <PriceText price={p} locale={locale} />
                    </Space>
                  ))}
                </Space>
              ) : (
                <Typography.Text type="secondary">{t("clusters.free")}</Typography.Text>
              )}
            </Descriptions.Item>
          </Descriptions>

          <div>
            <Typography.Title level={5}>
              {t("nodes.lastTest")} {test && <Typography.Text type="secondary">· {formatTime(test.testedAt)}</Typography.Text>}
            </Typography.Title>
            {test ? (
              <ClusterTestResult test={test} />
            ) : testing ? (
              <Skeleton active />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("clusters.testNotRun")} />
            )}
            {canTrust && (
              <TrustHostKeyAlert
                message={login.message}
                hostKey={test.presentedHostKey!}
                trust={() => trust.mutateAsync({ id: c.id, hostKey: test.presentedHostKey! }).then(() => onTest(c.id))}
              />
            )}
          </div>

          <ClusterUsers clusterId={c.id} />
        </Space>
      )}
    </Drawer>
  );
}
