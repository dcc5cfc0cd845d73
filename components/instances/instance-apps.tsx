"use client";
import { useState } from "react";
import { Button, Card, Flex, Space, Tooltip, Typography } from "antd";
import { CodeOutlined, ExportOutlined } from "@ant-design/icons";
import type { TInstance, TInstanceApp } from "@/lib/contracts/instances";
import { useAuthConfig, useMe } from "@/lib/hooks/users";
import { numberProblem } from "@/lib/validation";
import { NumberInput, useNumberProblemText } from "../common/number-field";
import { useT } from "../providers/i18n";

// The instance's web apps (JupyterLab, TensorBoard...) and any other port, opened in a new
// tab through the console's link (/apps/<id>/<port>/): a plain link, as the server signs the
// browser in to the app's own origin and redirects there. Apps open only while it runs.

const PORT_RULE = { required: true, integer: true, min: 1, max: 65535 } as const;

/** The console's link to a port of the instance. */
export const portUrl = (instanceId: string, port: number) => `/apps/${encodeURIComponent(instanceId)}/${port}/`;

/**
 * Why the apps cannot open now, or null while the instance runs. Another user's apps (an
 * administrator looking) open only on their own domains: on the shared app address, that
 * user's app could act in others the administrator has open.
 */
export function useAppsClosed(): (i: TInstance) => string | null {
  const t = useT();
  const viewerId = useMe().data?.id;
  const ownDomains = useAuthConfig().data?.appsOnOwnDomains;
  return (i) => {
    if (viewerId && viewerId !== i.userId && ownDomains === false) return t("apps.notOwnDomains");
    if (i.status === "running") return null;
    return i.status === "creating" ? t("apps.notYet") : t("apps.startFirst");
  };
}

/** A link while it can open; a disabled button with the reason otherwise (a disabled link is no link at all). */
function OpenButton({
  href,
  closed,
  tip,
  primary,
  icon,
  children,
}: {
  href: string;
  closed: string | null;
  tip?: string;
  primary?: boolean;
  icon?: React.ReactNode;
  children: React.ReactNode;
}) {
  const type = primary ? "primary" : "default";
  if (closed) {
    return (
      <Tooltip title={closed}>
        {/* A disabled button gets no pointer events: the span shows the tooltip. */}
        <span style={{ display: "inline-block", cursor: "not-allowed" }}>
          <Button type={type} icon={icon} disabled style={{ pointerEvents: "none" }}>
            {children}
          </Button>
        </span>
      </Tooltip>
    );
  }
  return (
    <Tooltip title={tip}>
      <Button type={type} icon={icon} href={href} target="_blank" rel="noopener">
        {children}
      </Button>
    </Tooltip>
  );
}

function AppButton({ app, closed }: { app: TInstanceApp; closed: string | null }) {
  const t = useT();
  const jupyter = app.kind === "jupyter";
  return (
    <OpenButton
      href={app.url}
      closed={closed}
      tip={t("apps.portTip", { port: app.port })}
      primary={jupyter}
      icon={jupyter ? <CodeOutlined /> : <ExportOutlined />}
    >
      {jupyter ? t("apps.openJupyter") : t("apps.open", { name: app.name })}
    </OpenButton>
  );
}

/** A port number and "Open": any port the container listens on. */
function OtherPort({ instance: i, closed }: { instance: TInstance; closed: string | null }) {
  const t = useT();
  const problemText = useNumberProblemText();
  const [port, setPort] = useState<number | null>(null);
  // Said once something is typed: an empty box is no mistake yet.
  const problem = port === null ? null : numberProblem(port, PORT_RULE);
  const ready = port !== null && !problem;
  const open = () => {
    if (ready && !closed) window.open(portUrl(i.id, port), "_blank", "noopener");
  };
  return (
    <Space orientation="vertical" size={2} data-testid="other-port">
      <Space size="small" align="center">
        <Tooltip title={t("apps.otherPortHelp")}>
          <Typography.Text type="secondary">{t("apps.otherPort")}</Typography.Text>
        </Tooltip>
        <Space.Compact>
          <NumberInput
            value={port}
            onChange={setPort}
            onPressEnter={open}
            placeholder="8080"
            aria-label={t("apps.otherPort")}
            style={{ width: 110 }}
            disabled={!!closed}
            status={problem ? "error" : undefined}
          />
          {ready && !closed ? (
            <Button href={portUrl(i.id, port)} target="_blank" rel="noopener" icon={<ExportOutlined />}>
              {t("apps.openPort")}
            </Button>
          ) : (
            <Button icon={<ExportOutlined />} disabled>
              {t("apps.openPort")}
            </Button>
          )}
        </Space.Compact>
      </Space>
      {problem && (
        <Typography.Text type="danger" style={{ fontSize: 12 }} data-testid="other-port-error">
          {problemText(t("apps.port"), problem)}
        </Typography.Text>
      )}
    </Space>
  );
}

/** The apps strip on the instance page, above its tabs. */
export function InstanceApps({ instance: i }: { instance: TInstance }) {
  const t = useT();
  const closedReason = useAppsClosed();
  if (i.status === "deleted" || (i.status === "failed" && !i.startedAt)) return null;
  const closed = closedReason(i);
  return (
    <Card size="small" title={t("apps.title")} data-testid="instance-apps">
      <Flex justify="space-between" align="flex-start" wrap gap="middle">
        {i.apps.length ? (
          <Space wrap size="small">
            {i.apps.map((a) => (
              <AppButton key={a.port} app={a} closed={closed} />
            ))}
          </Space>
        ) : (
          <Typography.Text type="secondary" style={{ flex: "1 1 320px" }} data-testid="apps-none">
            {t("apps.none")}
          </Typography.Text>
        )}
        <OtherPort instance={i} closed={closed} />
      </Flex>
    </Card>
  );
}
