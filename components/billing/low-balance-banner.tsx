"use client";
import Link from "@/components/common/link";
import { Alert, Button } from "antd";
import { useBillingSummary } from "@/lib/hooks/billing";
import { formatDuration, formatMoney } from "@/lib/format";
import { usePrefs, useT } from "../providers/i18n";

// On every page while it matters: the balance will not last long at the current rate (with
// the time left), it is used up and running instances are being stopped, or it is at or
// below zero with nothing running (nothing can be launched or started until a top-up).

export function LowBalanceBanner() {
  const t = useT();
  const { locale } = usePrefs();
  const s = useBillingSummary().data;
  if (!s) return null;
  const balance = formatMoney(s.balanceCents, locale);
  const exhausted = s.balanceCents <= 0 && s.runningInstances > 0;
  const empty = s.balanceCents <= 0 && s.runningInstances === 0;
  if (!exhausted && !empty && !s.lowBalance) return null;
  return (
    <Alert
      type={exhausted ? "error" : empty ? "info" : "warning"}
      showIcon
      banner
      data-testid="low-balance"
      style={{ marginBottom: 16 }}
      title={
        exhausted
          ? t("billing.exhaustedBanner", { balance })
          : empty
            ? t("billing.emptyBanner", { balance })
            : t("billing.lowBanner", { balance, time: formatDuration(s.secondsLeft ?? 0, locale), rate: formatMoney(s.burnCentsPerHour, locale) })
      }
      action={
        <Link href="/billing">
          <Button size="small" type="primary">
            {t("billing.topUp")}
          </Button>
        </Link>
      }
    />
  );
}
