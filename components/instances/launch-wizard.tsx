"use client";
import { useEffect, useMemo, useState } from "react";
import Link from "@/components/common/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Alert, App, Button, Card, Col, Empty, Form, Input, Radio, Row, Skeleton, Space, Typography, theme } from "antd";
import { RocketOutlined } from "@ant-design/icons";
import type { TImage } from "@/lib/contracts/images";
import type { TSpec, TSpecNode } from "@/lib/contracts/specs";
import { useImages, useSpecNodes, useSpecs } from "@/lib/hooks/catalog";
import { useCreateInstance } from "@/lib/hooks/instances";
import { defaultInstanceName, randomSuffix } from "@/lib/instances";
import { formatDuration, formatMoney } from "@/lib/format";
import { SpecFacts } from "../catalog/spec-facts";
import { errorText, showFormError } from "../common/error-text";
import { LoadError } from "../common/listing";
import { usePrefs, useT } from "../providers/i18n";
import { useBillingSummary } from "@/lib/hooks/billing";

// Launching an instance: pick a listed image and a spec as cards (specs no node has room for
// are shown but disabled), a node (automatic by default), a name and a remark. The server's
// refusal (e.g. NO_CAPACITY naming what is missing) is shown as it phrased it; on 202 the
// page of the new instance follows its creation.

type LaunchForm = { imageId?: string; specId?: string; nodeId: string; name: string; remark?: string };

const AUTO = "auto";
const CATALOG = { page: 1, pageSize: 100, isListed: "true" } as const;

/** Cards that behave as one radio group (keyboard and screen readers use the radios). */
function CardChoices<T extends { id: string; name: string }>({
  value,
  onChange,
  items,
  testId,
  disabledReason,
  children,
}: {
  value?: string;
  onChange?: (id: string) => void;
  items: T[];
  testId: string;
  disabledReason?: (item: T) => string | null;
  children: (item: T) => React.ReactNode;
}) {
  const { token } = theme.useToken();
  return (
    <Radio.Group value={value} onChange={(e) => onChange?.(e.target.value as string)} style={{ width: "100%" }}>
      <Row gutter={[16, 16]}>
        {items.map((item) => {
          const reason = disabledReason?.(item) ?? null;
          const selected = item.id === value;
          return (
            <Col key={item.id} xs={24} sm={12} lg={8} xl={6}>
              <Card
                size="small"
                hoverable={!reason}
                data-testid={`${testId}-${item.name}`}
                onClick={() => !reason && onChange?.(item.id)}
                style={{
                  height: "100%",
                  cursor: reason ? "not-allowed" : "pointer",
                  opacity: reason ? 0.6 : 1,
                  borderColor: selected ? token.colorPrimary : undefined,
                  boxShadow: selected ? `0 0 0 1px ${token.colorPrimary}` : undefined,
                }}
                title={
                  <Radio value={item.id} disabled={!!reason}>
                    {item.name}
                  </Radio>
                }
              >
                {children(item)}
                {reason && (
                  <div>
                    <Typography.Text type="danger">{reason}</Typography.Text>
                  </div>
                )}
              </Card>
            </Col>
          );
        })}
      </Row>
    </Radio.Group>
  );
}

function NodeChoices({ value, onChange, specId, imageId }: { value?: string; onChange?: (v: string) => void; specId?: string; imageId?: string }) {
  const t = useT();
  const { locale } = usePrefs();
  const nodes = useSpecNodes(specId ?? null, imageId ?? null);
  const describe = (n: TSpecNode) =>
    [
      n.region,
      n.gpuName ? t("instances.freeGpus", { count: n.free.wholeGpus, model: n.gpuName }) : null,
      t("instances.freeCpuMem", { cpu: n.free.cpuCores, gb: n.free.memoryGb }),
      n.image ? (n.image.present ? t("instances.imageReady") : n.image.ready ? t("instances.imageWillPull") : null) : null,
    ]
      .filter(Boolean)
      .join(" · ");
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Radio.Group value={value} onChange={(e) => onChange?.(e.target.value as string)} orientation="vertical">
        <Radio value={AUTO}>
          <Typography.Text strong>{t("instances.autoNode")}</Typography.Text> <Typography.Text type="secondary">{t("instances.autoNodeHelp")}</Typography.Text>
        </Radio>
        {(nodes.data?.items ?? []).map((n) => (
          // A node that cannot run the chosen image is shown with the reason, not offered.
          <Radio key={n.nodeId} value={n.nodeId} disabled={n.image?.ready === false} data-testid={`node-choice-${n.name}`}>
            <Typography.Text strong>{n.name}</Typography.Text> <Typography.Text type="secondary">{describe(n)}</Typography.Text>
            {n.image?.ready === false && (
              <div>
                <Typography.Text type="danger">{`${t("instances.imageNotReady")}: ${n.image.reason ?? ""}`}</Typography.Text>
              </div>
            )}
          </Radio>
        ))}
      </Radio.Group>
      {!specId && <Typography.Text type="secondary">{t("instances.pickSpecFirst")}</Typography.Text>}
      {nodes.isLoading && <Skeleton active paragraph={{ rows: 1 }} />}
      {nodes.isError && <Alert type="warning" showIcon title={errorText(t, nodes.error, locale)} />}
      {nodes.data && value && value !== AUTO && !nodes.data.items.some((n) => n.nodeId === value) && (
        <Alert type="warning" showIcon title={t("instances.nodeFull")} />
      )}
    </Space>
  );
}

function Section({ n, title, children }: { n: number; title: string; children: React.ReactNode }) {
  return (
    <Card title={`${n}. ${title}`} size="small">
      {children}
    </Card>
  );
}

/** What the balance buys of a spec (beside what already runs), or how much is missing to launch it. */
function Affordability({ pricePerHourCents }: { pricePerHourCents: number }) {
  const t = useT();
  const { locale } = usePrefs();
  const s = useBillingSummary().data;
  if (!s || pricePerHourCents <= 0) return null;
  const balance = formatMoney(s.balanceCents, locale);
  // The server counts what already runs too.
  const rate = pricePerHourCents + s.burnCentsPerHour;
  const needed = Math.max(1, Math.ceil((rate * s.minBalanceMinutes) / 60));
  if (s.balanceCents < needed) {
    return (
      <Typography.Text type="danger" data-testid="launch-affordability">
        {t("billing.notEnough", { balance, needed: formatMoney(needed, locale) })} <Link href="/billing">{t("billing.topUp")}</Link>
      </Typography.Text>
    );
  }
  return (
    <Typography.Text type="secondary" data-testid="launch-affordability">
      {s.burnCentsPerHour > 0
        ? t("billing.buysWithRunning", { balance, time: formatDuration(Math.floor((s.balanceCents / rate) * 3600), locale), rate: formatMoney(rate, locale) })
        : t("billing.buys", { balance, time: formatDuration(Math.floor((s.balanceCents / rate) * 3600), locale) })}
    </Typography.Text>
  );
}

export function LaunchWizard() {
  const t = useT();
  const { locale } = usePrefs();
  const { message } = App.useApp();
  const router = useRouter();
  const [form] = Form.useForm<LaunchForm>();
  const images = useImages(CATALOG);
  const specs = useSpecs(CATALOG);
  const create = useCreateInstance();
  const [launchError, setLaunchError] = useState<string | null>(null);
  // From the catalog: ?spec= and ?image= choose them up front.
  const params = useSearchParams();
  const preset = useMemo(() => ({ specId: params.get("spec") ?? undefined, imageId: params.get("image") ?? undefined }), [params]);
  const specId = Form.useWatch("specId", form);
  const imageId = Form.useWatch("imageId", form);
  const presetImage = images.data?.items.find((i) => i.id === preset.imageId);
  useEffect(() => {
    if (presetImage && !form.isFieldTouched("name") && !form.getFieldValue("name"))
      form.setFieldValue("name", defaultInstanceName(presetImage.name, randomSuffix()));
  }, [presetImage, form]);
  const spec = specs.data?.items.find((s) => s.id === specId);

  function onValuesChange(changed: Partial<LaunchForm>) {
    setLaunchError(null);
    const image = changed.imageId && images.data?.items.find((i) => i.id === changed.imageId);
    // Name after the image until the user types one.
    if (image && !form.isFieldTouched("name")) form.setFieldValue("name", defaultInstanceName(image.name, randomSuffix()));
    // The nodes offered depend on both: a node chosen for another spec or image may not fit.
    if (changed.specId || changed.imageId) form.setFieldValue("nodeId", AUTO);
  }

  async function onFinish(v: LaunchForm) {
    setLaunchError(null);
    try {
      const created = await create.mutateAsync({
        name: v.name,
        imageId: v.imageId!,
        specId: v.specId!,
        nodeId: v.nodeId === AUTO ? null : v.nodeId,
        remark: v.remark?.trim() || null,
      });
      void message.success(t("instances.launched", { name: created.name }));
      router.push(`/instances/${created.id}`);
    } catch (err) {
      setLaunchError(showFormError(t, locale, form, err));
    }
  }

  if ((images.isError && !images.data) || (specs.isError && !specs.data)) {
    return <LoadError onRetry={() => void Promise.all([images.refetch(), specs.refetch()])} />;
  }
  const soldOut = (s: TSpec) => (s.availableNodes > 0 ? null : s.availability === "busy" ? t("instances.soldOutReason") : t("instances.noNodeReason"));

  return (
    <Form<LaunchForm>
      form={form}
      layout="vertical"
      requiredMark={false}
      initialValues={{ nodeId: AUTO, ...preset }}
      onValuesChange={onValuesChange}
      onFinish={(v) => void onFinish(v)}
      scrollToFirstError
    >
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t("instances.launchTitle")}
        </Typography.Title>
        <Section n={1} title={t("instances.image")}>
          {images.isLoading ? (
            <Skeleton active />
          ) : !images.data?.items.length ? (
            <Empty description={t("catalog.noImages")} />
          ) : (
            <Form.Item name="imageId" rules={[{ required: true, message: t("instances.pickImage") }]} style={{ marginBottom: 0 }}>
              <CardChoices<TImage> items={images.data.items} testId="image-choice">
                {(i) => (
                  <Space orientation="vertical" size={4}>
                    <Typography.Paragraph ellipsis={{ rows: 2 }} type={i.description ? undefined : "secondary"} style={{ marginBottom: 0 }}>
                      {i.description ?? "—"}
                    </Typography.Paragraph>
                    <Typography.Text code style={{ fontSize: 12 }}>
                      {i.address}
                    </Typography.Text>
                  </Space>
                )}
              </CardChoices>
            </Form.Item>
          )}
        </Section>
        <Section n={2} title={t("instances.spec")}>
          {specs.isLoading ? (
            <Skeleton active />
          ) : !specs.data?.items.length ? (
            <Empty description={t("catalog.noSpecs")} />
          ) : (
            <Form.Item name="specId" rules={[{ required: true, message: t("instances.pickSpec") }]} style={{ marginBottom: 0 }}>
              <CardChoices<TSpec> items={specs.data.items} testId="spec-choice" disabledReason={soldOut}>
                {(s) => (
                  <Space orientation="vertical" size={4}>
                    <SpecFacts spec={s} />
                    {s.availableNodes > 0 && <Typography.Text type="success">{t("catalog.available", { count: s.availableNodes })}</Typography.Text>}
                  </Space>
                )}
              </CardChoices>
            </Form.Item>
          )}
        </Section>
        <Section n={3} title={t("instances.node")}>
          <Form.Item name="nodeId" style={{ marginBottom: 0 }}>
            <NodeChoices specId={specId} imageId={imageId} />
          </Form.Item>
        </Section>
        <Section n={4} title={t("instances.nameAndRemark")}>
          <Row gutter={16}>
            <Col xs={24} md={10}>
              <Form.Item
                name="name"
                label={t("instances.name")}
                extra={t("instances.nameRule")}
                rules={[
                  { required: true, whitespace: true, message: t("auth.required") },
                  { max: 64, message: t("instances.nameRule") },
                  { pattern: /^[^\p{C}]+$/u, message: t("instances.nameRule") },
                ]}
              >
                <Input maxLength={64} />
              </Form.Item>
            </Col>
            <Col xs={24} md={14}>
              <Form.Item name="remark" label={t("instances.remark")}>
                <Input.TextArea rows={1} maxLength={500} showCount autoSize={{ minRows: 1, maxRows: 4 }} />
              </Form.Item>
            </Col>
          </Row>
        </Section>
        <Card size="small">
          <Space orientation="vertical" style={{ width: "100%" }}>
            {launchError && <Alert type="error" showIcon title={t("instances.launchFailed")} description={launchError} data-testid="launch-error" />}
            <Space wrap style={{ width: "100%", justifyContent: "space-between" }}>
              <Space orientation="vertical" size={0}>
                <Typography.Text>
                  {t("instances.price")}:{" "}
                  <Typography.Text strong style={{ fontSize: 18 }} data-testid="launch-price">
                    {spec ? t("catalog.perHour", { price: formatMoney(spec.pricePerHourCents, locale) }) : "—"}
                  </Typography.Text>
                </Typography.Text>
                {spec && <Affordability pricePerHourCents={spec.pricePerHourCents} />}
              </Space>
              <Space>
                <Link href="/instances">
                  <Button>{t("common.cancel")}</Button>
                </Link>
                <Button type="primary" htmlType="submit" icon={<RocketOutlined />} loading={create.isPending}>
                  {t("instances.launch")}
                </Button>
              </Space>
            </Space>
          </Space>
        </Card>
      </Space>
    </Form>
  );
}
