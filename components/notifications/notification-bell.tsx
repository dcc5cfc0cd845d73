"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Badge, Button, Drawer, Empty, Flex, Grid, Pagination, Popover, Skeleton, Tooltip, Typography, theme } from "antd";
import {
  BellOutlined,
  CheckOutlined,
  CloseCircleOutlined,
  CloudServerOutlined,
  ClusterOutlined,
  DisconnectOutlined,
  PauseCircleOutlined,
  WalletOutlined,
  CheckCircleOutlined,
} from "@ant-design/icons";
import type { TNotification, TNotificationKind } from "@/lib/contracts/notifications";
import { formatTime } from "@/lib/format";
import { useNotifications, useNotificationStream, useReadAllNotifications, useReadNotification } from "@/lib/hooks/notifications";
import { LoadError } from "../common/listing";
import { usePrefs, useT } from "../providers/i18n";
import { notificationText } from "./notification-text";

// The header's bell: the unread count on it, and on click the newest notifications (paged;
// a popover, on phones a drawer), each leading to its instance, node or the billing page;
// opening one marks it read, and all can be marked read at once. New ones arrive over the
// socket (the list also polls slowly).

const PAGE_SIZE = 8;

function KindIcon({ kind }: { kind: TNotificationKind }) {
  const { token } = theme.useToken();
  const look: Record<TNotificationKind, [React.ReactNode, string]> = {
    balance_low: [<WalletOutlined key="i" />, token.colorWarning],
    balance_stopped: [<PauseCircleOutlined key="i" />, token.colorError],
    instance_failed: [<CloseCircleOutlined key="i" />, token.colorError],
    instance_exited: [<PauseCircleOutlined key="i" />, token.colorWarning],
    instance_unreachable: [<DisconnectOutlined key="i" />, token.colorWarning],
    instance_recovered: [<CheckCircleOutlined key="i" />, token.colorSuccess],
    node_offline: [<CloudServerOutlined key="i" />, token.colorError],
    node_online: [<CloudServerOutlined key="i" />, token.colorSuccess],
    cluster_down: [<ClusterOutlined key="i" />, token.colorError],
    cluster_up: [<ClusterOutlined key="i" />, token.colorSuccess],
  };
  const [icon, color] = look[kind];
  return <span style={{ color, fontSize: 18, lineHeight: 1 }}>{icon}</span>;
}

function Item({ n, onOpen }: { n: TNotification; onOpen: (n: TNotification) => void }) {
  const t = useT();
  const { locale } = usePrefs();
  const { token } = theme.useToken();
  const read = useReadNotification();
  const unread = n.readAt === null;
  const { title, detail } = notificationText(t, locale, n);
  return (
    <Flex
      gap={12}
      align="start"
      role="button"
      tabIndex={0}
      data-testid="notification"
      data-unread={unread}
      onClick={() => onOpen(n)}
      onKeyDown={(e) => (e.key === "Enter" || e.key === " ") && onOpen(n)}
      style={{
        padding: "10px 12px",
        cursor: "pointer",
        borderRadius: token.borderRadius,
        background: unread ? token.colorPrimaryBg : undefined,
      }}
    >
      <KindIcon kind={n.kind} />
      <Flex vertical style={{ flex: 1, minWidth: 0 }}>
        <Typography.Text strong={unread}>{title}</Typography.Text>
        {detail && (
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: 0 }} ellipsis={{ rows: 2, tooltip: detail }}>
            {detail}
          </Typography.Paragraph>
        )}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {formatTime(n.createdAt)}
        </Typography.Text>
      </Flex>
      {unread && (
        <Tooltip title={t("notifications.markRead")}>
          <Button
            type="text"
            size="small"
            icon={<CheckOutlined />}
            aria-label={t("notifications.markRead")}
            loading={read.isPending}
            onClick={(e) => {
              e.stopPropagation();
              read.mutate(n.id);
            }}
          />
        </Tooltip>
      )}
    </Flex>
  );
}

function MarkAllRead({ unread }: { unread: number }) {
  const t = useT();
  const readAll = useReadAllNotifications();
  return (
    <Button type="link" size="small" disabled={!unread} loading={readAll.isPending} onClick={() => readAll.mutate()}>
      {t("notifications.markAllRead")}
    </Button>
  );
}

/** A page of notifications, newest first, with paging below. */
function Panel({ onOpen, header }: { onOpen: (n: TNotification) => void; header: boolean }) {
  const t = useT();
  const [page, setPage] = useState(1);
  const list = useNotifications({ page, pageSize: PAGE_SIZE });
  const data = list.data;
  return (
    <div style={header ? { width: 400 } : undefined} data-testid="notification-panel">
      {header && (
        <Flex justify="space-between" align="center" style={{ padding: "4px 4px 8px" }}>
          <Typography.Text strong>{t("notifications.title")}</Typography.Text>
          <MarkAllRead unread={data?.unreadCount ?? 0} />
        </Flex>
      )}
      {list.isLoading ? (
        <Skeleton active paragraph={{ rows: 3 }} />
      ) : !data ? (
        <LoadError onRetry={() => void list.refetch()} />
      ) : data.items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("notifications.empty")} />
      ) : (
        <Flex vertical gap={2} style={header ? { maxHeight: "min(480px, 60vh)", overflowY: "auto" } : undefined}>
          {data.items.map((n) => (
            <Item key={n.id} n={n} onOpen={onOpen} />
          ))}
        </Flex>
      )}
      {data && data.total > PAGE_SIZE && (
        <Flex justify="center" style={{ paddingTop: 8 }}>
          <Pagination simple size="small" current={page} pageSize={PAGE_SIZE} total={data.total} onChange={setPage} />
        </Flex>
      )}
    </div>
  );
}

export function NotificationBell() {
  const t = useT();
  const router = useRouter();
  // Phones: a drawer over the page (a popover would not fit beside the bell).
  const wide = Grid.useBreakpoint().md !== false;
  const [open, setOpen] = useState(false);
  // The badge reads the first page's count: the same query the panel opens with.
  const first = useNotifications({ page: 1, pageSize: PAGE_SIZE });
  const read = useReadNotification();
  useNotificationStream();
  const unread = first.data?.unreadCount ?? 0;

  const openOne = (n: TNotification) => {
    if (n.readAt === null) read.mutate(n.id);
    if (n.link) {
      setOpen(false);
      router.push(n.link);
    }
  };

  const bell = (
    <Badge count={unread} size="small" overflowCount={99} data-testid="notification-count">
      <Button
        shape="circle"
        icon={<BellOutlined />}
        aria-label={unread ? t("notifications.open", { count: unread }) : t("notifications.title")}
        data-testid="notification-bell"
        onClick={wide ? undefined : () => setOpen(true)}
      />
    </Badge>
  );
  if (!wide) {
    return (
      <>
        {bell}
        <Drawer title={t("notifications.title")} extra={<MarkAllRead unread={unread} />} open={open} onClose={() => setOpen(false)} size="100%">
          <Panel onOpen={openOne} header={false} />
        </Drawer>
      </>
    );
  }
  return (
    <Popover trigger="click" placement="bottomRight" arrow={false} open={open} onOpenChange={setOpen} content={<Panel onOpen={openOne} header />}>
      {bell}
    </Popover>
  );
}
