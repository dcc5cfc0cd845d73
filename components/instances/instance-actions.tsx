"use client";
import { App, Button, Space } from "antd";
import { DeleteOutlined, PlayCircleOutlined, PoweroffOutlined, ReloadOutlined } from "@ant-design/icons";
import { ApiError } from "@/lib/api/client";
import { DATA_MOUNT_PATH, type TInstance } from "@/lib/contracts/instances";
import { useDeleteInstance, useRestartInstance, useStartInstance, useStopInstance } from "@/lib/hooks/instances";
import { allowedActions } from "@/lib/instances";
import { useDangerConfirm } from "../common/confirm";
import { errorText } from "../common/error-text";
import { useT } from "../providers/i18n";

// Start / stop / restart / delete for one instance, offered by its status. Stop, restart and
// delete ask first. A start refused for lack of free GPUs offers to start without them.

type Props = { instance: TInstance; size?: "small" | "middle"; onDeleted?: () => void };

export function InstanceActions({ instance: i, size = "middle", onDeleted }: Props) {
  const t = useT();
  const { message, modal } = App.useApp();
  const confirm = useDangerConfirm();
  const start = useStartInstance();
  const stop = useStopInstance();
  const restart = useRestartInstance();
  const remove = useDeleteInstance();
  const can = allowedActions(i);

  function startWithoutGpu(reason: string) {
    modal.confirm({
      title: t("instances.noGpuTitle"),
      content: (
        <>
          <p>{reason}</p>
          <p>{t("instances.noGpuBody")}</p>
        </>
      ),
      okText: t("instances.startWithoutGpu"),
      cancelText: t("common.cancel"),
      onOk: () =>
        start
          .mutateAsync({ id: i.id, withoutGpu: true })
          .then(() => void message.success(t("instances.startedWithoutGpu", { name: i.name })))
          .catch((err: unknown) => void message.error(errorText(t, err))),
    });
  }

  async function onStart() {
    try {
      await start.mutateAsync({ id: i.id });
      void message.success(t("instances.startedMsg", { name: i.name }));
    } catch (err) {
      // The server names `withoutGpu` when only GPUs are short and starting without them fits.
      if (err instanceof ApiError && err.code === "NO_CAPACITY" && err.issues.some((x) => x.path === "withoutGpu")) startWithoutGpu(errorText(t, err));
      else void message.error(errorText(t, err));
    }
  }

  const busy = start.isPending || stop.isPending || restart.isPending || remove.isPending;
  return (
    <Space size="small" wrap>
      {can.has("start") && (
        <Button size={size} icon={<PlayCircleOutlined />} loading={start.isPending} disabled={busy} onClick={() => void onStart()}>
          {t("instances.start")}
        </Button>
      )}
      {can.has("stop") && (
        <Button
          size={size}
          icon={<PoweroffOutlined />}
          loading={stop.isPending}
          disabled={busy}
          onClick={() =>
            confirm({
              title: t("instances.stopTitle", { name: i.name }),
              content: t("instances.stopConfirm", { path: DATA_MOUNT_PATH }),
              okText: t("instances.stop"),
              success: t("instances.stoppedMsg", { name: i.name }),
              onOk: () => stop.mutateAsync(i.id),
            })
          }
        >
          {t("instances.stop")}
        </Button>
      )}
      {can.has("restart") && (
        <Button
          size={size}
          icon={<ReloadOutlined />}
          loading={restart.isPending}
          disabled={busy}
          onClick={() =>
            confirm({
              title: t("instances.restartTitle", { name: i.name }),
              content: t("instances.restartConfirm"),
              okText: t("instances.restart"),
              success: t("instances.restartedMsg", { name: i.name }),
              onOk: () => restart.mutateAsync(i.id),
            })
          }
        >
          {t("instances.restart")}
        </Button>
      )}
      {can.has("delete") && (
        <Button
          size={size}
          danger
          icon={<DeleteOutlined />}
          loading={remove.isPending}
          disabled={busy}
          onClick={() =>
            confirm({
              title: t("instances.deleteTitle", { name: i.name }),
              content: t("instances.deleteConfirm", { name: i.name, path: DATA_MOUNT_PATH }),
              onOk: () => remove.mutateAsync(i.id).then(() => onDeleted?.()),
            })
          }
        >
          {t("common.delete")}
        </Button>
      )}
    </Space>
  );
}
