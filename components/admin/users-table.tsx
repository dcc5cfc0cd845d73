"use client";
import { useState } from "react";
import { App, Button, Card, Form, Grid, Input, Result, Select, Space, Switch, Table, Tag, Tooltip, Typography } from "antd";
import { KeyOutlined, PlusOutlined } from "@ant-design/icons";
import type { TAdminCreateUserRequest, TUserProfile } from "@/lib/contracts/users";
import { useAdminCreateUser, useAdminUpdateUser, useAdminUsers, useMe, useSettings, useUpdateSettings, type AdminUserFilters } from "@/lib/hooks/users";
import { formatMoney, formatTime } from "@/lib/format";
import { EmailField, NewPasswordFields, UsernameField } from "../common/account-fields";
import { errorText } from "../common/error-text";
import { FormDialog } from "../common/form-dialog";
import { usePrefs, useT } from "../providers/i18n";
import { UserBilling } from "./user-billing";
import { UserSshKeys } from "./user-ssh-keys";
import { tablePagination, useFittedColumns } from "../common/listing";

/** Admin: users with server-side search, filters and pagination; role and active actions. */
export function UsersTable() {
  const t = useT();
  const { locale } = usePrefs();
  const { modal, message } = App.useApp();
  const [filters, setFilters] = useState<AdminUserFilters>({ page: 1, pageSize: 20 });
  const users = useAdminUsers(filters);
  const me = useMe();
  const update = useAdminUpdateUser();
  const settings = useSettings();
  const updateSettings = useUpdateSettings();
  const create = useAdminCreateUser();
  const [creating, setCreating] = useState(false);
  // By id: the drawer follows the list as it refreshes (a new balance after an adjustment).
  const [billing, setBilling] = useState<string | null>(null);
  const [sshKeysOf, setSshKeysOf] = useState<TUserProfile | null>(null);

  function confirmChange(u: TUserProfile, body: { role?: "admin" | "user"; isActive?: boolean }, content: string) {
    modal.confirm({
      title: u.username,
      content,
      okText: t("common.confirm"),
      cancelText: t("common.cancel"),
      okButtonProps: { danger: body.isActive === false },
      onOk: () =>
        update
          .mutateAsync({ id: u.id, body })
          .then(() => void message.success(t("common.saved")))
          .catch((err: unknown) => void message.error(errorText(t, err, locale))),
    });
  }

  const table = useFittedColumns<TUserProfile>([
    {
      title: t("auth.username"),
      dataIndex: "username",
      width: 230,
      render: (name: string, u) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>
            {name} {u.id === me.data?.id && <Tag>{t("users.you")}</Tag>}
          </Typography.Text>
          <Typography.Text type="secondary" ellipsis={{ tooltip: u.email }} style={{ maxWidth: 210 }}>
            {u.email}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t("users.role"),
      dataIndex: "role",
      width: 90,
      from: "sm",
      render: (r: string) => <Tag color={r === "admin" ? "purple" : "blue"}>{r === "admin" ? t("users.admin") : t("users.user")}</Tag>,
    },
    {
      title: t("common.status"),
      dataIndex: "isActive",
      width: 110,
      from: "sm",
      render: (a: boolean) => <Tag color={a ? "green" : "red"}>{a ? t("users.active") : t("users.inactive")}</Tag>,
    },
    {
      title: t("users.balance"),
      dataIndex: "balanceCents",
      align: "right",
      width: 130,
      render: (c: number, u) => (
        <Typography.Link
          onClick={() => setBilling(u.id)}
          data-testid={`balance-${u.username}`}
          style={{ whiteSpace: "nowrap", ...(c < 0 ? { color: "var(--ant-color-error, #ff4d4f)" } : {}) }}
        >
          {formatMoney(c, locale)}
        </Typography.Link>
      ),
    },
    { title: t("users.lastLogin"), dataIndex: "lastLoginAt", width: 150, from: "lg", render: formatTime },
    { title: t("common.createdAt"), dataIndex: "createdAt", width: 150, from: "xl", render: formatTime },
    {
      title: t("common.actions"),
      actions: true,
      width: 256,
      render: (_, u) => (
        <Space>
          <Tooltip title={t("ssh.userKeysAction")}>
            <Button
              size="small"
              icon={<KeyOutlined />}
              aria-label={t("ssh.userKeysAction")}
              onClick={() => setSshKeysOf(u)}
              data-testid={`ssh-keys-${u.username}`}
            />
          </Tooltip>
          {u.id !== me.data?.id && (
            <>
              <Button
                size="small"
                onClick={() => {
                  const role = u.role === "admin" ? "user" : "admin";
                  confirmChange(u, { role }, t("users.confirmRole", { name: u.username, role: t(`users.${role}`) }));
                }}
              >
                {u.role === "admin" ? t("users.makeUser") : t("users.makeAdmin")}
              </Button>
              <Button
                size="small"
                danger={u.isActive}
                onClick={() =>
                  confirmChange(u, { isActive: !u.isActive }, t(u.isActive ? "users.confirmDeactivate" : "users.confirmActivate", { name: u.username }))
                }
              >
                {u.isActive ? t("users.deactivate") : t("users.activate")}
              </Button>
            </>
          )}
        </Space>
      ),
    },
  ]);
  const isPhone = Grid.useBreakpoint().md === false;
  const registration = (
    <Space>
      <Typography.Text type="secondary" style={{ whiteSpace: "nowrap" }}>
        {t("users.registration")}
      </Typography.Text>
      <Switch
        aria-label={t("users.registration")}
        checked={settings.data?.registrationEnabled}
        loading={settings.isLoading || updateSettings.isPending}
        onChange={(on) => updateSettings.mutate({ registrationEnabled: on }, { onError: (err) => void message.error(errorText(t, err, locale)) })}
      />
    </Space>
  );

  if (users.isError && !users.data) {
    return <Result status="error" title={t("common.loadFailed")} extra={<Button onClick={() => void users.refetch()}>{t("common.retry")}</Button>} />;
  }

  return (
    <Card
      title={t("users.title")}
      extra={
        <Space size="large">
          {/* On phones the switch and its label move to the filters: the title bar has no room. */}
          {!isPhone && registration}
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t("users.newUser")}
          </Button>
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          placeholder={t("users.searchPlaceholder")}
          style={{ width: 280 }}
          onSearch={(search) => setFilters((f) => ({ ...f, page: 1, search: search || undefined }))}
        />
        <Select<"" | "admin" | "user">
          aria-label={t("users.role")}
          style={{ width: 150 }}
          value={filters.role ?? ""}
          onChange={(role) => setFilters((f) => ({ ...f, page: 1, role: role || undefined }))}
          options={[
            { value: "", label: `${t("users.role")}: ${t("common.all")}` },
            { value: "admin", label: t("users.admin") },
            { value: "user", label: t("users.user") },
          ]}
        />
        <Select<"" | "true" | "false">
          aria-label={t("common.status")}
          style={{ width: 150 }}
          value={filters.isActive ?? ""}
          onChange={(isActive) => setFilters((f) => ({ ...f, page: 1, isActive: isActive || undefined }))}
          options={[
            { value: "", label: `${t("common.status")}: ${t("common.all")}` },
            { value: "true", label: t("users.active") },
            { value: "false", label: t("users.inactive") },
          ]}
        />
        {isPhone && registration}
      </Space>
      <Table<TUserProfile>
        rowKey="id"
        loading={users.isFetching}
        dataSource={users.data?.items ?? []}
        {...table}
        pagination={tablePagination(t, filters, users.data?.total, (page, pageSize) => setFilters((f) => ({ ...f, page, pageSize })))}
      />
      <UserBilling user={users.data?.items.find((u) => u.id === billing) ?? null} onClose={() => setBilling(null)} />
      <UserSshKeys user={sshKeysOf} onClose={() => setSshKeysOf(null)} />
      <FormDialog<TAdminCreateUserRequest>
        title={t("users.newUser")}
        open={creating}
        onClose={() => setCreating(false)}
        onSubmit={async (v) => {
          await create.mutateAsync(v);
          void message.success(t("common.saved"));
        }}
        pending={create.isPending}
        initialValues={{ role: "user" }}
      >
        <UsernameField />
        <EmailField />
        <NewPasswordFields confirm={false} />
        <Form.Item name="role" label={t("users.role")}>
          <Select
            options={[
              { value: "user", label: t("users.user") },
              { value: "admin", label: t("users.admin") },
            ]}
          />
        </Form.Item>
      </FormDialog>
    </Card>
  );
}
