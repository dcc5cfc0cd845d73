"use client";
import { useState } from "react";
import Link from "@/components/common/link";
import { useRouter } from "next/navigation";
import { Alert, App, Breadcrumb, Button, Card, Flex, Form, Input, Result, Skeleton, Space, Steps, Tabs, Typography } from "antd";
import { EditOutlined, LoadingOutlined } from "@ant-design/icons";
import { ApiError } from "@/lib/api/client";
import type { TInstance } from "@/lib/contracts/instances";
import { useInstance, useUpdateInstance } from "@/lib/hooks/instances";
import { useUrlState } from "@/lib/hooks/url-state";
import { launchStep, showsLaunchProgress, TROUBLED } from "@/lib/instances";
import { FormDialog } from "../common/form-dialog";
import { LoadError } from "../common/listing";
import { InstanceActions } from "./instance-actions";
import { InstanceApps } from "./instance-apps";
import { InstanceLogs } from "./instance-logs";
import { InstanceSsh } from "./instance-ssh";
import { InstanceOverview } from "./instance-overview";
import { InstanceStats } from "./instance-stats";
import { InstanceTerminals } from "./instance-terminal";
import { InstanceStatusBadge } from "./instance-status";
import { statusReason } from "./status-reason";
import { useT } from "../providers/i18n";

// One instance: header with status and controls, the reason when it failed / exited / is
// unknown, the launch's progress while it is being created (the query polls every 2 s), its
// web apps to open, and tabs for overview, logs, live stats, the terminal and how to connect
// by SSH.

type EditForm = { name: string; remark?: string };

function LaunchProgress({ instance: i }: { instance: TInstance }) {
  const t = useT();
  const failed = i.status === "failed";
  const current = launchStep(i);
  return (
    <Card size="small" data-testid="launch-progress">
      <Steps
        current={current}
        status={failed ? "error" : "process"}
        items={[
          { title: t("instances.stepPlacing"), content: i.nodeName ?? undefined },
          { title: t("instances.stepCreating"), content: current === 1 && !failed ? (i.statusMessage ?? t("instances.stepCreatingHelp")) : undefined },
          { title: t("instances.stepRunning") },
        ].map((s, n) => (n === current && !failed ? { ...s, icon: <LoadingOutlined /> } : s))}
      />
    </Card>
  );
}

/** Why it failed, exited, cannot be reached, or was stopped by the console (a user's own stop has no reason). */
function Trouble({ instance: i }: { instance: TInstance }) {
  const t = useT();
  const troubled = TROUBLED.has(i.status);
  if (!troubled && i.status !== "stopped") return null;
  const reason = statusReason(t, i);
  if (!reason && !troubled) return null;
  const topUp = reason?.kind === "balance" && (
    <Link href="/billing">
      <Button size="small" type="primary">
        {t("instances.reason.topUp")}
      </Button>
    </Link>
  );
  return (
    <Alert
      type={i.status === "failed" ? "error" : "warning"}
      showIcon
      data-testid="status-message"
      title={troubled ? t(`instances.trouble.${i.status as "failed" | "exited" | "unknown"}`) : reason?.text}
      description={(troubled ? [reason?.text, reason?.detail] : [reason?.detail]).filter(Boolean).join(": ") || undefined}
      action={topUp || undefined}
    />
  );
}

function EditDialog({ instance: i, open, onClose }: { instance: TInstance; open: boolean; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const update = useUpdateInstance();
  return (
    <FormDialog<EditForm>
      title={t("instances.edit")}
      okText={t("common.save")}
      open={open}
      onClose={onClose}
      pending={update.isPending}
      initialValues={{ name: i.name, remark: i.remark ?? undefined }}
      onSubmit={async (v) => {
        await update.mutateAsync({ id: i.id, body: { name: v.name, remark: v.remark?.trim() || null } });
        void message.success(t("common.saved"));
      }}
    >
      <Form.Item
        name="name"
        label={t("instances.name")}
        rules={[
          { required: true, whitespace: true, message: t("auth.required") },
          { max: 64, message: t("instances.nameRule") },
        ]}
      >
        <Input maxLength={64} />
      </Form.Item>
      <Form.Item name="remark" label={t("instances.remark")}>
        <Input.TextArea rows={3} maxLength={500} showCount />
      </Form.Item>
    </FormDialog>
  );
}

export function InstanceDetail({ id }: { id: string }) {
  const t = useT();
  const router = useRouter();
  const instance = useInstance(id);
  // The tab is in the URL (?tab=logs): a reload or a shared link opens the same one.
  const [{ tab }, setQuery] = useUrlState({ tab: "overview" });
  const setTab = (next: string) => setQuery(() => ({ tab: next }));
  const [editing, setEditing] = useState(false);
  const i = instance.data;

  if (instance.isLoading) return <Skeleton active />;
  if (!i) {
    if (instance.error instanceof ApiError && instance.error.status === 404) {
      return (
        <Result
          status="404"
          title={t("instances.notFound")}
          extra={
            <Link href="/instances">
              <Button type="primary">{t("instances.backToList")}</Button>
            </Link>
          }
        />
      );
    }
    return <LoadError onRetry={() => void instance.refetch()} />;
  }

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Breadcrumb items={[{ title: <Link href="/instances">{t("nav.instances")}</Link> }, { title: i.name }]} />
      <Flex justify="space-between" align="center" wrap gap="middle">
        <Space size="middle" align="center" wrap>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {i.name}
          </Typography.Title>
          <InstanceStatusBadge status={i.status} />
          <Button type="text" size="small" icon={<EditOutlined />} aria-label={t("instances.edit")} onClick={() => setEditing(true)} />
        </Space>
        <InstanceActions instance={i} onDeleted={() => router.push("/instances")} />
      </Flex>
      <Trouble instance={i} />
      {showsLaunchProgress(i) && <LaunchProgress instance={i} />}
      <InstanceApps instance={i} />
      <Card size="small">
        <Tabs
          activeKey={tab}
          onChange={setTab}
          destroyOnHidden
          items={[
            { key: "overview", label: t("instances.tabOverview"), children: <InstanceOverview instance={i} /> },
            { key: "logs", label: t("instances.tabLogs"), children: <InstanceLogs instance={i} /> },
            { key: "stats", label: t("instances.tabStats"), children: <InstanceStats instance={i} active={tab === "stats"} /> },
            {
              key: "terminal",
              label: t("instances.tabTerminal"),
              children: <InstanceTerminals instance={i} />,
            },
            { key: "ssh", label: t("ssh.tab"), children: <InstanceSsh instance={i} /> },
          ]}
        />
      </Card>
      <EditDialog instance={i} open={editing} onClose={() => setEditing(false)} />
    </Space>
  );
}
