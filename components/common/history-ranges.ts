import type { MessageKey } from "@/lib/i18n";

// The look-back ranges history charts offer (instance stats, node GPU telemetry).

export const HISTORY_RANGES = [
  { key: "1h", seconds: 3_600, label: "instances.range1h" },
  { key: "6h", seconds: 6 * 3_600, label: "instances.range6h" },
  { key: "24h", seconds: 86_400, label: "instances.range24h" },
  { key: "7d", seconds: 7 * 86_400, label: "instances.range7d" },
  { key: "30d", seconds: 30 * 86_400, label: "instances.range30d" },
] as const satisfies readonly { key: string; seconds: number; label: MessageKey }[];
export type HistoryRange = (typeof HISTORY_RANGES)[number]["key"];
