"use client";
import { Alert } from "antd";
import { useMaintenance } from "@/lib/hooks/users";
import { useT } from "../providers/i18n";

// While the console is in maintenance (launching, starting and submitting are paused for
// users): a banner with the administrator's message, or a standard text when there is none.
// The sign-in page shows it too, so nobody is surprised after signing in.

export function MaintenanceBanner({ style }: { style?: React.CSSProperties }) {
  const t = useT();
  const maintenance = useMaintenance().data;
  if (!maintenance?.enabled) return null;
  return (
    <Alert
      type="warning"
      showIcon
      banner
      data-testid="maintenance-banner"
      style={{ marginBottom: 16, ...style }}
      // The message may span lines (the settings page takes it in a text area).
      title={<span style={{ whiteSpace: "pre-line" }}>{maintenance.message || t("maintenance.banner")}</span>}
    />
  );
}
