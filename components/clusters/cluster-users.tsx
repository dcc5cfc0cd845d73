"use client";
import { useState } from "react";
import { App, Button, Flex, Form, Grid, Input, Select, Table, Typography } from "antd";
import type { TClusterUserMap } from "@/lib/contracts/clusters";
import { useClusterUsers, useRemoveClusterUser, useSetClusterUser } from "@/lib/hooks/clusters";
import { useAdminUsers } from "@/lib/hooks/users";
import { useDangerConfirm } from "../common/confirm";
import { showFormError } from "../common/error-text";
import { fitColumns, tablePagination } from "../common/listing";
import { usePrefs, useT } from "../providers/i18n";

// Admin: which Slurm user a console user submits as on one cluster. Without a mapping it is
// their own username; a mapping is set for a user found by search (the users list is paged)
// and removed after confirming.

type MapForm = { userId?: string; slurmUser?: string };

export function ClusterUsers({ clusterId }: { clusterId: string }) {
  const t = useT();
  const { locale } = usePrefs();
  const screens = Grid.useBreakpoint();
  const { message } = App.useApp();
  const confirm = useDangerConfirm();
  const [q, setQ] = useState({ page: 1, pageSize: 10 });
  const maps = useClusterUsers(clusterId, q);
  const set = useSetClusterUser();
  const remove = useRemoveClusterUser();
  const [search, setSearch] = useState("");
  const users = useAdminUsers({ page: 1, pageSize: 20, ...(search ? { search } : {}) });
  const [form] = Form.useForm<MapForm>();

  async function onFinish(v: MapForm) {
    try {
      await set.mutateAsync({ id: clusterId, userId: v.userId!, slurmUser: v.slurmUser!.trim() });
      void message.success(t("clusters.userSet"));
      form.resetFields();
    } catch (err) {
      void message.error(showFormError(t, locale, form, err));
    }
  }

  return (
    <div data-testid="cluster-users">
      <Typography.Title level={5}>{t("clusters.users")}</Typography.Title>
      <Typography.Paragraph type="secondary">{t("clusters.usersHelp")}</Typography.Paragraph>
      <Form<MapForm> form={form} layout="vertical" onFinish={onFinish} requiredMark={false}>
        <Flex gap={8} wrap align="flex-end">
          <Form.Item
            name="userId"
            label={t("clusters.consoleUser")}
            style={{ flex: "1 1 200px", marginBottom: 12 }}
            rules={[{ required: true, message: t("validation.required", { field: t("clusters.consoleUser") }) }]}
          >
            <Select
              showSearch={{ filterOption: false, onSearch: (v) => setSearch(v.trim()) }}
              placeholder={t("clusters.pickUser")}
              loading={users.isFetching}
              options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.nickname ? `${u.username} (${u.nickname})` : u.username }))}
              onChange={(id: string) => {
                // The usual case: the same name on the cluster, edited when it differs.
                const u = users.data?.items.find((x) => x.id === id);
                if (u && !form.getFieldValue("slurmUser")) form.setFieldValue("slurmUser", u.username.toLowerCase());
              }}
            />
          </Form.Item>
          <Form.Item
            name="slurmUser"
            label={t("clusters.slurmUser")}
            style={{ flex: "1 1 160px", marginBottom: 12 }}
            rules={[
              { required: true, whitespace: true, message: t("validation.required", { field: t("clusters.slurmUser") }) },
              { pattern: /^[a-z_][a-z0-9_.-]{0,31}$/, message: t("clusters.unixUserBad") },
            ]}
          >
            <Input autoComplete="off" placeholder="alice" />
          </Form.Item>
          <Form.Item style={{ marginBottom: 12 }}>
            <Button type="primary" htmlType="submit" loading={set.isPending}>
              {t("clusters.setUser")}
            </Button>
          </Form.Item>
        </Flex>
      </Form>
      <Table<TClusterUserMap>
        rowKey="userId"
        loading={maps.isLoading}
        dataSource={maps.data?.items ?? []}
        locale={{ emptyText: t("clusters.noMappings") }}
        pagination={(maps.data?.total ?? 0) > q.pageSize ? tablePagination(t, q, maps.data?.total, (page, pageSize) => setQ({ page, pageSize })) : false}
        {...fitColumns<TClusterUserMap>(screens, [
          { title: t("clusters.consoleUser"), dataIndex: "username", width: 160 },
          { title: t("clusters.slurmUser"), dataIndex: "slurmUser", width: 160, render: (s: string) => <Typography.Text code>{s}</Typography.Text> },
          {
            title: t("common.actions"),
            actions: true,
            width: 100,
            render: (_, m) => (
              <Button
                size="small"
                danger
                onClick={() =>
                  confirm({
                    title: m.username,
                    content: t("clusters.removeConfirm", { user: m.username }),
                    okText: t("clusters.removeMapping"),
                    success: t("clusters.removed"),
                    onOk: () => remove.mutateAsync({ id: clusterId, userId: m.userId }),
                  })
                }
              >
                {t("clusters.removeMapping")}
              </Button>
            ),
          },
        ])}
      />
    </div>
  );
}
