"use client";
import Link from "@/components/common/link";
import { Alert, Button, Col, Empty, Row, Skeleton, Space, Typography } from "antd";
import type { TInstance } from "@/lib/contracts/instances";
import { useInstanceSsh } from "@/lib/hooks/ssh";
import { configHostAlias } from "@/lib/ssh";
import { CodeBlock } from "../common/code-block";
import { LoadError } from "../common/listing";
import { useT } from "../providers/i18n";

// Connect by SSH: the exact command and an ~/.ssh/config stanza for the console's jump host,
// what scp/rsync/VS Code use with the same alias, and the jump host's key to compare on first
// contact. The command is the same whether the instance runs or not; it must run to connect.

function Section({ title, help, children }: { title: string; help?: string; children: React.ReactNode }) {
  return (
    <div>
      <Typography.Title level={5} style={{ marginTop: 0, marginBottom: 4 }}>
        {title}
      </Typography.Title>
      {help && (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {help}
        </Typography.Paragraph>
      )}
      {children}
    </div>
  );
}

export function InstanceSsh({ instance: i }: { instance: TInstance }) {
  const t = useT();
  const access = useInstanceSsh(i.id);
  if (i.status === "failed") return <Empty description={t("ssh.unavailable")} />;
  if (access.isLoading) return <Skeleton active />;
  const a = access.data;
  if (!a) return <LoadError onRetry={() => void access.refetch()} />;
  if (!a.enabled) return <Alert type="info" showIcon title={t("ssh.disabled")} description={t("ssh.disabledBody")} data-testid="ssh-disabled" />;
  const alias = configHostAlias(a.config) ?? `${a.username}@${a.host}`;
  return (
    <Space orientation="vertical" size="large" style={{ width: "100%" }} data-testid="instance-ssh">
      {(a.needsKey || i.status !== "running") && (
        <Space orientation="vertical" size="small" style={{ width: "100%" }}>
          {a.needsKey && (
            <Alert
              type="warning"
              showIcon
              data-testid="ssh-needs-key"
              title={t("ssh.needsKey")}
              description={
                // The button under the sentence, not beside it: on a phone the side leaves the text a sliver.
                <Space orientation="vertical" size="small" align="start">
                  {t("ssh.needsKeyBody")}
                  <Link href="/profile">
                    <Button size="small" type="primary">
                      {t("ssh.goToProfile")}
                    </Button>
                  </Link>
                </Space>
              }
            />
          )}
          {i.status !== "running" && <Alert type="info" showIcon title={t("ssh.notRunning")} data-testid="ssh-not-running" />}
        </Space>
      )}
      <Row gutter={[32, 24]}>
        <Col xs={24} xl={14}>
          <Space orientation="vertical" size="large" style={{ width: "100%" }}>
            <Section title={t("ssh.connect")} help={t("ssh.commandHelp")}>
              <CodeBlock text={a.command} testId="ssh-command" />
            </Section>
            <Section title={t("ssh.config")} help={t("ssh.configHelp", { alias })}>
              <CodeBlock text={a.config.trimEnd()} testId="ssh-config" />
            </Section>
            <Section title={t("ssh.toolsTitle")} help={t("ssh.tools")}>
              <CodeBlock text={[`scp ./notes.txt ${alias}:~/`, `rsync -av ./dataset/ ${alias}:${i.dataPath}/dataset/`, `sftp ${alias}`].join("\n")} />
            </Section>
          </Space>
        </Col>
        <Col xs={24} xl={10}>
          <Space orientation="vertical" size="large" style={{ width: "100%" }}>
            {a.hostKeyFingerprint && (
              <Section title={t("ssh.hostKey")} help={t("ssh.hostKeyHelp")}>
                <CodeBlock text={a.hostKeyFingerprint} testId="ssh-host-key" />
              </Section>
            )}
            {a.knownHosts && (
              <Section title={t("ssh.knownHosts")} help={t("ssh.knownHostsHelp")}>
                <CodeBlock text={a.knownHosts} testId="ssh-known-hosts" />
              </Section>
            )}
          </Space>
        </Col>
      </Row>
    </Space>
  );
}
