import type { TNotification } from "@/lib/contracts/notifications";
import { formatDuration, formatMoney } from "@/lib/format";
import type { Locale } from "@/lib/i18n";
import type { T } from "../providers/i18n";
import { statusReason } from "../instances/status-reason";

// A notification in the reader's language: a title from its kind and parameters, and a
// detail line (the balance's runway, the instances named, the reason in known words, or the
// server's own words for what it cannot translate).

type Text = { title: string; detail: string | null };

function names(t: T, n: TNotification): string {
  const listed = n.params.names ?? [];
  const rest = (n.params.count ?? listed.length) - listed.length;
  return rest > 0 ? t("notifications.andMore", { names: listed.join(", "), count: rest }) : listed.join(", ");
}

/** The reason of one failed or exited instance, said as the instance page says it. */
function instanceReason(t: T, n: TNotification): string | null {
  const message = n.params.message ?? null;
  if (n.params.reason === "container_removed") return t("instances.reason.containerRemoved");
  const status = n.kind === "instance_exited" ? "exited" : n.kind === "instance_unreachable" ? "unknown" : "failed";
  const r = statusReason(t, { status, statusMessage: message, exitCode: null });
  if (!r) return null;
  return r.detail ? `${r.text}: ${r.detail}` : r.text;
}

export function notificationText(t: T, locale: Locale, n: TNotification): Text {
  const count = n.params.count ?? 1;
  const one = count === 1;
  const name = n.params.names?.[0] ?? "";
  const many = !one ? names(t, n) : null;
  switch (n.kind) {
    case "balance_low":
      return {
        title: t("notifications.balance_low"),
        detail: t("notifications.balance_lowDetail", {
          balance: formatMoney(n.params.balanceCents ?? 0, locale),
          time: formatDuration(n.params.secondsLeft ?? 0, locale),
          rate: formatMoney(n.params.burnCentsPerHour ?? 0, locale),
        }),
      };
    case "balance_stopped":
      return {
        title: one ? t("notifications.balance_stopped_one", { name }) : t("notifications.balance_stopped_many", { count }),
        detail: [many, t("notifications.balance_stoppedDetail")].filter(Boolean).join(" · "),
      };
    case "instance_failed":
    case "instance_exited":
    case "instance_unreachable":
    case "instance_recovered":
      return {
        title: one ? t(`notifications.${n.kind}_one`, { name }) : t(`notifications.${n.kind}_many`, { count }),
        detail: one ? (n.kind === "instance_recovered" ? null : instanceReason(t, n)) : many,
      };
    case "cluster_down":
      return {
        title: t("notifications.cluster_down", {
          cluster: n.params.clusterName ?? "",
          status: n.params.status === "degraded" ? t("clusters.statuses.degraded") : t("clusters.statuses.unreachable"),
        }),
        detail: n.params.message ?? null,
      };
    case "cluster_up":
      return { title: t("notifications.cluster_up", { cluster: n.params.clusterName ?? "" }), detail: null };
    case "node_offline":
    case "node_online":
      return { title: t(`notifications.${n.kind}`, { node: n.params.nodeName ?? "" }), detail: n.params.message ?? null };
  }
}
