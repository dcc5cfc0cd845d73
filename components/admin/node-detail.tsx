"use client";
import { App, Alert, Button, Descriptions, Drawer, Empty, List, Space, Table, Tag, Timeline, Typography } from "antd";
import { CheckCircleFilled, CloseCircleFilled, MinusCircleOutlined, SafetyCertificateOutlined, ThunderboltOutlined } from "@ant-design/icons";
import type { TNode, TNodeCheck, TNodeTest } from "@/lib/contracts/nodes";
import { useNode, useNodeEvents, useSaveNode, useTestNode, useTrustHostKey } from "@/lib/hooks/nodes";
import { formatTime } from "@/lib/format";
import type { MessageKey } from "@/lib/i18n";
import { errorText, statusText } from "../common/error-text";
import { TrustHostKeyAlert } from "../common/trust-host-key";
import { NodeGpuHistory } from "./node-gpu-history";
import { hasNoCapacity, NodeStatusTag } from "./node-status";
import { useT } from "../providers/i18n";

// Node details: configuration (secrets as set / not set), the connection test with each
// check, detected facts beside the typed ones (applied with one click), GPU telemetry
// history, status history.

function CheckIcon({ ok }: { ok: boolean | null }) {
  if (ok === true) return <CheckCircleFilled style={{ color: "#52c41a" }} />;
  if (ok === false) return <CloseCircleFilled style={{ color: "#ff4d4f" }} />;
  return <MinusCircleOutlined style={{ color: "#999" }} />;
}

function detectedRows(node: TNode, test: TNodeTest) {
  const gpus = test.detected.gpus;
  const first = gpus?.[0];
  return [
    { key: "cpuCores", label: "nodes.cpuCores", configured: node.cpuCores, detected: test.detected.cpuCores },
    { key: "memoryGb", label: "nodes.memoryGb", configured: node.memoryGb, detected: test.detected.memoryGb },
    { key: "gpuCount", label: "nodes.gpuCount", configured: node.gpuCount, detected: gpus ? gpus.length : null },
    { key: "gpuName", label: "nodes.gpuName", configured: node.gpuName, detected: first?.name ?? null },
    { key: "gpuMemoryGb", label: "nodes.gpuMemoryGb", configured: node.gpuMemoryGb, detected: first?.memoryGb ?? null },
    { key: "dockerVersion", label: "nodes.dockerVersion", configured: null, detected: test.detected.dockerVersion },
    { key: "os", label: "nodes.os", configured: null, detected: test.detected.os },
  ] as const;
}

export function NodeDetail({ nodeId, onClose }: { nodeId: string | null; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const node = useNode(nodeId);
  const events = useNodeEvents(nodeId);
  const test = useTestNode();
  const save = useSaveNode();
  const trust = useTrustHostKey();
  const n = node.data;
  const last = n?.lastTest ?? null;

  async function runTest() {
    if (!n) return;
    try {
      const r = await test.mutateAsync(n.id);
      void (r.online ? message.success(`${n.name}: ${t("nodes.online")}`) : message.warning(`${n.name}: ${t("nodes.offline")}`));
    } catch (err) {
      void message.error(errorText(t, err));
    }
  }

  async function applyDetected() {
    if (!n || !last) return;
    const body: Record<string, number | string> = {};
    for (const row of detectedRows(n, last)) {
      if (row.detected !== null && row.key !== "dockerVersion" && row.key !== "os") body[row.key] = row.detected;
    }
    try {
      await save.mutateAsync({ id: n.id, body });
      void message.success(t("nodes.applied"));
    } catch (err) {
      void message.error(errorText(t, err));
      return;
    }
    // The checks depend on the values just changed (GPU count, runtime ...): test again so
    // the results shown are about the node as it is now.
    await runTest();
  }

  const hostKeyCheck = last?.checks.find((c) => c.key === "ssh_host_key");
  const canTrust = hostKeyCheck?.ok === false && last?.presentedHostKey;

  return (
    <Drawer
      title={n ? n.name : t("nodes.detail")}
      open={!!nodeId}
      onClose={onClose}
      width={720}
      destroyOnHidden
      extra={
        <Button type="primary" icon={<ThunderboltOutlined />} loading={test.isPending} disabled={!n} onClick={() => void runTest()}>
          {test.isPending ? t("nodes.testing") : t("nodes.test")}
        </Button>
      }
    >
      {n && (
        <Space orientation="vertical" size="large" style={{ width: "100%" }}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t("nodes.status")} span={2}>
              <NodeStatusTag status={n.status} message={n.statusMessage} noCapacity={hasNoCapacity(n)} />{" "}
              {n.statusMessage && <Typography.Text type="secondary">{statusText(t.locale ?? "en-US", n.statusRef, n.statusMessage)}</Typography.Text>}
            </Descriptions.Item>
            <Descriptions.Item label={t("nodes.dockerAddress")} span={2}>
              <Typography.Text code>{n.dockerAddress}</Typography.Text> {n.useTls && <Tag icon={<SafetyCertificateOutlined />}>TLS</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label={t("nodes.lastSeen")}>{formatTime(n.lastSeenAt)}</Descriptions.Item>
            <Descriptions.Item label={t("nodes.region")}>{n.region ?? "—"}</Descriptions.Item>
            <Descriptions.Item label="SSH">{n.sshUsername ? `${n.sshUsername}@${n.privateIp ?? n.publicIp ?? "?"}:${n.sshPort}` : "—"}</Descriptions.Item>
            <Descriptions.Item label={t("nodes.hostKey")}>
              {n.sshHostKey ? (
                <Typography.Text code style={{ fontSize: 12 }}>
                  {n.sshHostKey}
                </Typography.Text>
              ) : (
                "—"
              )}
            </Descriptions.Item>
            {(["sshPassword", "sshPrivateKey", "clientKey"] as const).map((k) => {
              const set = { sshPassword: n.hasSshPassword, sshPrivateKey: n.hasSshPrivateKey, clientKey: n.hasClientKey }[k];
              return (
                <Descriptions.Item key={k} label={t(`nodes.${k}`)}>
                  <Tag color={set ? "green" : "default"}>{set ? t("nodes.secretSet") : t("nodes.secretNotSet")}</Tag>
                </Descriptions.Item>
              );
            })}
          </Descriptions>

          {hasNoCapacity(n) && <Alert type="warning" showIcon data-testid="no-capacity" title={t("nodes.noCapacityHelp")} />}

          {n.unmanagedContainers.length > 0 && (
            <Alert
              type="warning"
              showIcon
              data-testid="unmanaged-containers"
              title={t("nodes.unmanagedTitle", { count: n.unmanagedContainers.length })}
              description={
                <>
                  <Typography.Paragraph style={{ marginBottom: 8 }}>{t("nodes.unmanagedHelp")}</Typography.Paragraph>
                  {n.unmanagedContainers.map((c) => (
                    <div key={c.containerId}>
                      <Typography.Text code>{c.name}</Typography.Text> <Tag>{c.state}</Tag>{" "}
                      <Typography.Text type="secondary">{c.containerId.slice(0, 12)}</Typography.Text>
                    </div>
                  ))}
                </>
              }
            />
          )}

          <div>
            <Typography.Title level={5}>
              {t("nodes.lastTest")} {last && <Typography.Text type="secondary">· {formatTime(last.testedAt)}</Typography.Text>}
            </Typography.Title>
            {!last ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("nodes.neverTested")} />
            ) : (
              <List<TNodeCheck>
                size="small"
                bordered
                dataSource={last.checks}
                renderItem={(c) => (
                  <List.Item data-testid={`check-${c.key}`}>
                    <List.Item.Meta
                      avatar={<CheckIcon ok={c.ok} />}
                      title={t(`nodes.check_${c.key}` as MessageKey)}
                      description={statusText(t.locale ?? "en-US", c.ref, c.message)}
                    />
                  </List.Item>
                )}
              />
            )}
            {canTrust && (
              <TrustHostKeyAlert
                message={hostKeyCheck.message}
                hostKey={last.presentedHostKey!}
                trust={() => trust.mutateAsync({ id: n.id, fingerprint: last.presentedHostKey! })}
              />
            )}
          </div>

          {last && (
            <div>
              <Space style={{ width: "100%", justifyContent: "space-between", marginBottom: 8 }}>
                <Typography.Title level={5} style={{ margin: 0 }}>
                  {t("nodes.detected")}
                </Typography.Title>
                <Button size="small" onClick={() => void applyDetected()} loading={save.isPending || test.isPending}>
                  {t("nodes.apply")}
                </Button>
              </Space>
              <Table
                size="small"
                pagination={false}
                rowKey="key"
                dataSource={detectedRows(n, last).map((r) => ({ ...r }))}
                columns={[
                  { title: "", dataIndex: "label", render: (l: MessageKey) => t(l) },
                  { title: t("nodes.configured"), dataIndex: "configured", render: (v: unknown) => (v === null || v === undefined ? "—" : String(v)) },
                  {
                    title: t("nodes.detected"),
                    render: (_, r) =>
                      r.detected === null ? (
                        "—"
                      ) : (
                        <Typography.Text type={r.configured !== null && String(r.configured) !== String(r.detected) ? "warning" : undefined}>
                          {String(r.detected)}
                        </Typography.Text>
                      ),
                  },
                ]}
              />
            </div>
          )}

          {n.gpuCount > 0 && <NodeGpuHistory nodeId={n.id} />}

          <div>
            <Typography.Title level={5}>{t("nodes.history")}</Typography.Title>
            {events.data?.items.length ? (
              <Timeline
                items={events.data.items.map((e) => ({
                  color: e.status === "online" ? "green" : e.status === "offline" ? "red" : "gray",
                  content: (
                    <>
                      <Typography.Text strong>{t(`nodes.${e.status}`)}</Typography.Text>{" "}
                      <Typography.Text type="secondary">{formatTime(e.createdAt)}</Typography.Text>
                      {e.message && <div>{e.message}</div>}
                    </>
                  ),
                }))}
              />
            ) : (
              <Typography.Text type="secondary">{t("nodes.noHistory")}</Typography.Text>
            )}
          </div>
        </Space>
      )}
    </Drawer>
  );
}
