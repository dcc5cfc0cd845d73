"use client";
import { useEffect, useRef, useState } from "react";
import { Alert, Button, Empty, Select, Space, Switch, Typography } from "antd";
import { DownloadOutlined, ReloadOutlined } from "@ant-design/icons";
import type { TInstance } from "@/lib/contracts/instances";
import { instanceLogsDownloadUrl, useInstanceLogs } from "@/lib/hooks/instances";
import { errorText } from "../common/error-text";
import { Toolbar } from "../common/listing";
import { useT } from "../providers/i18n";

// The container's recent output: how many lines, with or without timestamps, refreshed on
// demand or followed while it runs (scrolled to the newest line unless the reader scrolled
// up), and the whole log as a download.

const TAILS = [100, 500, 1000, 5000] as const;
const FOLLOW_MS = 3_000;

export function InstanceLogs({ instance }: { instance: TInstance }) {
  const t = useT();
  const [tail, setTail] = useState<number>(100);
  const [timestamps, setTimestamps] = useState(false);
  const [follow, setFollow] = useState(true);
  const running = instance.status === "running";
  const logs = useInstanceLogs(instance.id, { tail, timestamps }, follow && running ? FOLLOW_MS : false);
  const pre = useRef<HTMLPreElement>(null);
  const atBottom = useRef(true);
  const lines = logs.data?.lines;

  // biome-ignore lint/correctness/useExhaustiveDependencies: scrolls when new lines arrive
  useEffect(() => {
    const el = pre.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [lines]);

  return (
    <>
      <Toolbar>
        <Select<number>
          aria-label={t("instances.logLines")}
          style={{ width: 160 }}
          value={tail}
          onChange={setTail}
          options={TAILS.map((n) => ({ value: n, label: t("instances.lastLines", { count: n }) }))}
        />
        <Space>
          <Switch checked={timestamps} onChange={setTimestamps} aria-label={t("instances.timestamps")} />
          {t("instances.timestamps")}
        </Space>
        <Space>
          <Switch checked={follow} onChange={setFollow} disabled={!running} aria-label={t("instances.follow")} />
          {t("instances.follow")}
        </Space>
        <Button icon={<ReloadOutlined />} loading={logs.isFetching} onClick={() => void logs.refetch()}>
          {t("common.refresh")}
        </Button>
        <Button icon={<DownloadOutlined />} href={instanceLogsDownloadUrl(instance.id, timestamps)} download>
          {t("instances.downloadLogs")}
        </Button>
      </Toolbar>
      {logs.isError && <Alert type="warning" showIcon title={errorText(t, logs.error)} style={{ marginBottom: 12 }} />}
      {logs.data?.truncated && <Alert type="info" showIcon title={t("instances.logsTruncated")} style={{ marginBottom: 12 }} />}
      {lines && lines.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("instances.noOutput")} />
      ) : (
        <pre
          ref={pre}
          data-testid="instance-logs"
          onScroll={(e) => {
            const el = e.currentTarget;
            atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
          }}
          style={{
            margin: 0,
            padding: 12,
            height: 480,
            overflow: "auto",
            background: "#141414",
            color: "#d9d9d9",
            borderRadius: 8,
            fontSize: 12,
            lineHeight: 1.5,
            whiteSpace: "pre-wrap",
            wordBreak: "break-all",
          }}
        >
          {(lines ?? []).map((l, n) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: log lines have no identity; the list is replaced whole
            <div key={n} style={l.stream === "stderr" ? { color: "#ff7875" } : undefined}>
              {l.text || " "}
            </div>
          ))}
          {!lines && <Typography.Text style={{ color: "#8c8c8c" }}>{t("common.loading")}</Typography.Text>}
        </pre>
      )}
    </>
  );
}
