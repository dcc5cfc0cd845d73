"use client";
import { useEffect, useMemo, useRef, useState } from "react";
import { AutoComplete, Descriptions, Select, Space, Tag, theme, Tooltip, Typography } from "antd";
import { AUDIT_ACTION_SUGGESTIONS, AUDIT_TARGET_TYPES } from "@/lib/audit-actions";
import { AUDIT_RESULTS, type TAuditEvent } from "@/lib/contracts/audit";
import { formatClock, formatDate, formatTimeSeconds } from "@/lib/format";
import { useT } from "../providers/i18n";
import { actionLabel, targetTypeLabel } from "./audit-text";
import { CodeBlock } from "./code-block";

// Pieces of the audit log shared by the administrators' page and the profile's own activity:
// its cells (actor, action, target, result), its filters, and one event in full.

type Result = (typeof AUDIT_RESULTS)[number];

export function ActorCell({ actor }: { actor: TAuditEvent["actor"] }) {
  const t = useT();
  const name = actor.name ?? actor.id;
  return (
    <Space size={4} wrap>
      {actor.type !== "system" && (
        <Typography.Text ellipsis={{ tooltip: actor.id ?? undefined }} style={{ maxWidth: 130 }} type={name ? undefined : "secondary"}>
          {name ?? t("audit.anonymous")}
        </Typography.Text>
      )}
      {actor.type !== "user" && <Tag color={actor.type === "token" ? "geekblue" : "purple"}>{t(`audit.actorTypes.${actor.type}`)}</Tag>}
    </Space>
  );
}

/** The action in words, with its code in monospace under it. */
export function ActionCell({ action }: { action: string }) {
  const t = useT();
  const { token } = theme.useToken();
  const words = actionLabel(t, action);
  return (
    <Space orientation="vertical" size={2}>
      {words !== action && <span>{words}</span>}
      <Tag style={{ fontFamily: token.fontFamilyCode, fontSize: 12, marginInlineEnd: 0 }}>{action}</Tag>
    </Space>
  );
}

/** The target's type and name; its id in the tooltip. */
export function TargetCell({ target }: { target: TAuditEvent["target"] }) {
  const t = useT();
  if (!target) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space orientation="vertical" size={2} style={{ maxWidth: "100%" }}>
      <Tag style={{ marginInlineEnd: 0 }}>{targetTypeLabel(t, target.type)}</Tag>
      <Tooltip title={target.id ? `ID: ${target.id}` : undefined}>
        <Typography.Text ellipsis style={{ maxWidth: 165 }}>
          {target.name ?? target.id ?? "—"}
        </Typography.Text>
      </Tooltip>
    </Space>
  );
}

/** When: the date over the time of day (with seconds), in the browser's time zone. */
export function TimeCell({ at }: { at: string }) {
  return (
    <Space orientation="vertical" size={0} style={{ whiteSpace: "nowrap" }}>
      <span>{formatDate(at)}</span>
      <Typography.Text type="secondary">{formatClock(at, { seconds: true })}</Typography.Text>
    </Space>
  );
}

/** Green success; red failure with its error code. */
export function ResultCell({ result, reason }: { result: Result; reason: string | null }) {
  const t = useT();
  return (
    <Space orientation="vertical" size={2}>
      <Tag color={result === "success" ? "green" : "red"} style={{ marginInlineEnd: 0 }}>
        {t(`audit.results.${result}`)}
      </Tag>
      {result === "failure" && reason && (
        <Typography.Text type="danger" ellipsis={{ tooltip: reason }} style={{ fontSize: 12, maxWidth: 130, fontFamily: "monospace" }}>
          {reason}
        </Typography.Text>
      )}
    </Space>
  );
}

/**
 * A text filter with suggestions, applied when one is chosen, on Enter, on leaving the field
 * or on clearing it. It shows what is typed until then; a change from outside (a reset, the
 * back button) replaces it.
 */
export function SuggestFilter({
  value,
  onChange,
  options,
  placeholder,
  width,
  status,
  testId,
}: {
  value: string | undefined;
  onChange: (v: string | undefined) => void;
  options: { value: string; label: React.ReactNode; words: string }[];
  placeholder: string;
  width: number;
  status?: "error";
  testId?: string;
}) {
  const [draft, setDraft] = useState(value ?? "");
  // The latest text, also for the Enter that chooses a suggestion (the choice comes first).
  const latest = useRef(value ?? "");
  useEffect(() => {
    latest.current = value ?? "";
    setDraft(value ?? "");
  }, [value]);
  const apply = (v: string) => {
    latest.current = v;
    if ((v.trim() || undefined) !== value) onChange(v.trim() || undefined);
  };
  return (
    <AutoComplete
      value={draft}
      options={options}
      showSearch={{
        filterOption: (input, o) => {
          const q = input.trim().toLowerCase();
          return !q || (o?.value ?? "").toString().toLowerCase().includes(q) || (o?.words ?? "").toLowerCase().includes(q);
        },
      }}
      onChange={(v: string) => {
        latest.current = v;
        setDraft(v);
        if (!v) apply("");
      }}
      onSelect={(v: string) => apply(v)}
      onBlur={() => apply(latest.current)}
      onKeyDown={(e) => {
        if (e.key === "Enter") apply(latest.current);
      }}
      allowClear
      aria-label={placeholder}
      placeholder={placeholder}
      status={status}
      popupMatchSelectWidth={false}
      style={{ width }}
      data-testid={testId}
    />
  );
}

export function ActionFilter(props: {
  value: string | undefined;
  onChange: (v: string | undefined) => void;
  status?: "error";
  testId?: string;
  width?: number;
}) {
  const t = useT();
  const { token } = theme.useToken();
  const options = useMemo(
    () =>
      AUDIT_ACTION_SUGGESTIONS.map((a) => ({
        value: a,
        words: actionLabel(t, a),
        label: (
          <Space size={8} style={{ paddingInlineStart: a.endsWith(".*") ? 0 : 12 }}>
            <span style={{ fontFamily: token.fontFamilyCode, fontSize: 12 }}>{a}</span>
            <Typography.Text type="secondary">{actionLabel(t, a)}</Typography.Text>
          </Space>
        ),
      })),
    [t, token.fontFamilyCode],
  );
  return <SuggestFilter {...props} width={props.width ?? 240} options={options} placeholder={t("audit.actionPlaceholder")} />;
}

export function TargetTypeFilter(props: { value: string | undefined; onChange: (v: string | undefined) => void; status?: "error"; testId?: string }) {
  const t = useT();
  const options = useMemo(
    () =>
      AUDIT_TARGET_TYPES.map((ty) => ({
        value: ty,
        words: targetTypeLabel(t, ty),
        label: (
          <Space size={8}>
            <span>{ty}</span>
            <Typography.Text type="secondary">{targetTypeLabel(t, ty)}</Typography.Text>
          </Space>
        ),
      })),
    [t],
  );
  return <SuggestFilter {...props} width={170} options={options} placeholder={t("audit.targetTypePlaceholder")} />;
}

export function ResultFilter({ value, onChange, testId }: { value: Result | undefined; onChange: (v: Result | undefined) => void; testId?: string }) {
  const t = useT();
  return (
    <Select<"" | Result>
      aria-label={t("audit.result")}
      style={{ width: 150 }}
      value={value ?? ""}
      onChange={(v) => onChange(v || undefined)}
      options={[{ value: "", label: `${t("audit.result")}: ${t("common.all")}` }, ...AUDIT_RESULTS.map((r) => ({ value: r, label: t(`audit.results.${r}`) }))]}
      data-testid={testId}
    />
  );
}

/** Links from an event to the events around it (administrators: same request, target, actor). */
export type EventLinks = {
  onRequest?: (requestId: string) => void;
  onTarget?: (target: { type: string; id: string }) => void;
  onActor?: (actor: string) => void;
};

/** One event in full: who, what, on what, how it ended, from where, and what changed (secrets already redacted). */
export function EventDetails({ event: e, links = {}, compact }: { event: TAuditEvent; links?: EventLinks; compact?: boolean }) {
  const t = useT();
  const copy = (text: string) => ({ text, tooltips: [t("common.copy"), t("common.copied")] });
  const detail = Object.keys(e.detail).length ? JSON.stringify(e.detail, null, 2) : null;
  const actorKey = e.actor.id ?? e.actor.name;
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} data-testid="audit-event-details">
      <Descriptions size="small" column={1} bordered styles={{ label: { width: compact ? 140 : 130 } }}>
        {!compact && <Descriptions.Item label={t("audit.time")}>{formatTimeSeconds(e.createdAt)}</Descriptions.Item>}
        {!compact && (
          <Descriptions.Item label={t("audit.actor")}>
            <Space wrap>
              <ActorCell actor={e.actor} />
              {e.actor.id && (
                <Typography.Text type="secondary" copyable={copy(e.actor.id)} style={{ fontSize: 12 }}>
                  {e.actor.id}
                </Typography.Text>
              )}
              {links.onActor && actorKey && (
                <Typography.Link onClick={() => links.onActor?.(actorKey)} data-testid="audit-same-actor">
                  {t("audit.sameActor")}
                </Typography.Link>
              )}
            </Space>
          </Descriptions.Item>
        )}
        {!compact && (
          <Descriptions.Item label={t("audit.action")}>
            <ActionCell action={e.action} />
          </Descriptions.Item>
        )}
        {!compact && (
          <Descriptions.Item label={t("audit.target")}>
            {e.target ? (
              <Space orientation="vertical" size={2}>
                <Space size={4} wrap>
                  <Tag>{targetTypeLabel(t, e.target.type)}</Tag>
                  <span>{e.target.name ?? "—"}</span>
                </Space>
                {e.target.id && (
                  <Typography.Text type="secondary" copyable={copy(e.target.id)} style={{ fontSize: 12 }}>
                    {e.target.id}
                  </Typography.Text>
                )}
                {links.onTarget && e.target.id && (
                  <Typography.Link onClick={() => e.target?.id && links.onTarget?.({ type: e.target.type, id: e.target.id })} data-testid="audit-same-target">
                    {t("audit.sameTarget")}
                  </Typography.Link>
                )}
              </Space>
            ) : (
              "—"
            )}
          </Descriptions.Item>
        )}
        {!compact && (
          <Descriptions.Item label={t("audit.result")}>
            <ResultCell result={e.result} reason={e.reason} />
          </Descriptions.Item>
        )}
        {!compact && <Descriptions.Item label={t("audit.ip")}>{e.ip ?? "—"}</Descriptions.Item>}
        <Descriptions.Item label={t("audit.userAgent")}>
          {e.userAgent ? (
            <Typography.Text copyable={copy(e.userAgent)} style={{ fontSize: 12, overflowWrap: "anywhere" }} data-testid="audit-user-agent">
              {e.userAgent}
            </Typography.Text>
          ) : (
            "—"
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t("audit.requestId")}>
          {e.requestId ? (
            <Space wrap>
              <Typography.Text code copyable={copy(e.requestId)} data-testid="audit-request-id">
                {e.requestId}
              </Typography.Text>
              {links.onRequest && (
                <Typography.Link onClick={() => e.requestId && links.onRequest?.(e.requestId)} data-testid="audit-same-request">
                  {t("audit.sameRequest")}
                </Typography.Link>
              )}
            </Space>
          ) : (
            "—"
          )}
        </Descriptions.Item>
      </Descriptions>
      <div>
        <Typography.Title level={5} style={{ marginTop: 0 }}>
          {t("audit.detail")}
        </Typography.Title>
        {detail ? <CodeBlock text={detail} testId="audit-detail-json" /> : <Typography.Text type="secondary">{t("audit.noDetail")}</Typography.Text>}
      </div>
    </Space>
  );
}
