"use client";
import { useState } from "react";
import { App, Button, Card, Col, Form, Input, Row, Space, Switch, Table, Tag, Typography } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { SPEC_LIMITS, type TSpec } from "@/lib/contracts/specs";
import { useDeleteSpec, useSaveSpec, useSpecs, type SpecFilters } from "@/lib/hooks/catalog";
import { CURRENCY_SYMBOL, formatMoney } from "@/lib/format";
import { toCents } from "@/lib/validation";
import { useDangerConfirm } from "../common/confirm";
import { FormDialog } from "../common/form-dialog";
import { NumberField } from "../common/number-field";
import { ListedFilter, LoadError, SearchBox, tablePagination, Toolbar, useFittedColumns } from "../common/listing";
import { usePrefs, useT } from "../providers/i18n";

// Admin: product specs (GPUs, CPU, memory, disks, price) with availability right now.

const NOWRAP = { whiteSpace: "nowrap" } as const;

type SpecForm = Omit<TSpec, "id" | "availableNodes" | "availability" | "createdAt" | "updatedAt" | "pricePerHourCents"> & { price: number };

export function SpecsPage() {
  const t = useT();
  const { locale } = usePrefs();
  const { message } = App.useApp();
  const confirm = useDangerConfirm();
  const [filters, setFilters] = useState<SpecFilters>({ page: 1, pageSize: 20 });
  const specs = useSpecs(filters);
  const save = useSaveSpec();
  const remove = useDeleteSpec();
  const [editing, setEditing] = useState<TSpec | "new" | null>(null);

  const table = useFittedColumns<TSpec>([
    { title: t("specs.name"), dataIndex: "name", width: 160, render: (n: string) => <Typography.Text strong>{n}</Typography.Text> },
    {
      title: "GPU",
      width: 170,
      from: "md",
      render: (_, s) =>
        s.gpuCount > 0 ? (
          <Space orientation="vertical" size={0}>
            <span>{t("catalog.gpus", { count: s.gpuCount, model: s.gpuModel ?? "" })}</span>
            <Typography.Text type="secondary">
              {t("catalog.gpuMemory", { gb: s.gpuMemoryGb })} {s.supportMemorySplit && <Tag color="purple">HAMi</Tag>}
            </Typography.Text>
          </Space>
        ) : (
          <Tag>{t("catalog.cpuOnly")}</Tag>
        ),
    },
    { title: t("specs.cpuCores"), dataIndex: "cpuCores", align: "right", width: 80, from: "lg" },
    { title: t("specs.memoryGb"), dataIndex: "memoryGb", align: "right", width: 90, from: "lg" },
    {
      title: t("instances.disks"),
      width: 150,
      from: "xl",
      render: (_, s) => <Typography.Text type="secondary">{t("catalog.disks", { system: s.systemDiskGb, data: s.dataDiskGb })}</Typography.Text>,
    },
    {
      title: t("specs.price"),
      dataIndex: "pricePerHourCents",
      align: "right",
      width: 100,
      render: (c: number) => <span style={NOWRAP}>{formatMoney(c, locale)}</span>,
    },
    {
      title: t("specs.availability"),
      dataIndex: "availableNodes",
      width: 130,
      from: "sm",
      render: (n: number, s) => (
        <Tag color={n > 0 ? "green" : s.availability === "busy" ? "orange" : "red"} style={{ whiteSpace: "normal" }}>
          {n > 0 ? t("specs.nodesFree", { count: n }) : s.availability === "busy" ? t("catalog.soldOut") : t("catalog.noNode")}
        </Tag>
      ),
    },
    {
      title: t("specs.isListed"),
      dataIndex: "isListed",
      width: 80,
      from: "lg",
      render: (v: boolean) => <Tag color={v ? "green" : "default"}>{v ? t("images.listed") : t("images.unlisted")}</Tag>,
    },
    {
      title: t("common.actions"),
      actions: true,
      width: 150,
      render: (_, s) => (
        <Space>
          <Button size="small" onClick={() => setEditing(s)}>
            {t("common.edit")}
          </Button>
          <Button
            size="small"
            danger
            onClick={() => confirm({ title: s.name, content: t("specs.deleteConfirm", { name: s.name }), onOk: () => remove.mutateAsync(s.id) })}
          >
            {t("common.delete")}
          </Button>
        </Space>
      ),
    },
  ]);

  if (specs.isError && !specs.data) return <LoadError onRetry={() => void specs.refetch()} />;
  const current = editing && editing !== "new" ? editing : null;

  return (
    <Card
      title={t("specs.title")}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing("new")}>
          {t("specs.new")}
        </Button>
      }
    >
      <Toolbar>
        <SearchBox placeholder={t("specs.searchName")} onSearch={(name) => setFilters((f) => ({ ...f, page: 1, name }))} />
        <ListedFilter
          value={filters.isListed}
          onChange={(isListed) => setFilters((f) => ({ ...f, page: 1, isListed }))}
          labels={{ listed: t("images.listed"), unlisted: t("images.unlisted") }}
        />
      </Toolbar>
      <Table<TSpec>
        rowKey="id"
        loading={specs.isFetching}
        dataSource={specs.data?.items ?? []}
        {...table}
        pagination={tablePagination(t, filters, specs.data?.total, (page, pageSize) => setFilters((f) => ({ ...f, page, pageSize })))}
      />
      <FormDialog<SpecForm>
        variant="drawer"
        title={current ? t("specs.edit") : t("specs.new")}
        okText={current ? t("common.save") : t("common.create")}
        open={editing !== null}
        onClose={() => setEditing(null)}
        pending={save.isPending}
        fieldNames={{ pricePerHourCents: "price" }}
        initialValues={
          current
            ? { ...current, price: current.pricePerHourCents / 100 }
            : {
                gpuCount: 0,
                gpuMemoryGb: 0,
                supportMemorySplit: false,
                cpuCores: 4,
                memoryGb: 16,
                systemDiskGb: 50,
                dataDiskGb: 100,
                price: 1,
                isListed: true,
                gpuModel: null,
              }
        }
        onSubmit={async ({ price, ...v }) => {
          const body = {
            ...v,
            gpuModel: v.gpuCount > 0 ? v.gpuModel || null : null,
            gpuMemoryGb: v.gpuCount > 0 ? v.gpuMemoryGb : 0,
            supportMemorySplit: v.gpuCount > 0 && v.supportMemorySplit,
            pricePerHourCents: toCents(price),
          };
          await save.mutateAsync({ id: current?.id, body });
          void message.success(t("common.saved"));
        }}
      >
        <SpecFormFields />
      </FormDialog>
    </Card>
  );
}

function SpecFormFields() {
  const t = useT();
  const gpuCount = Form.useWatch("gpuCount", Form.useFormInstance<SpecForm>()) ?? 0;
  const hasGpu = typeof gpuCount === "number" && gpuCount > 0;
  const whole = (name: keyof SpecForm & keyof typeof SPEC_LIMITS, label: string, min = 0) => (
    <NumberField name={name} label={label} required integer min={min} max={SPEC_LIMITS[name]} />
  );
  return (
    <>
      <Form.Item name="name" label={t("specs.name")} rules={[{ required: true, message: t("auth.required") }, { max: 100 }]}>
        <Input placeholder="4090 × 2 · 16 vCPU · 64 GB" />
      </Form.Item>
      <Row gutter={16}>
        <Col span={12}>{whole("gpuCount", t("specs.gpuCount"))}</Col>
        <Col span={12}>
          <NumberField
            name="gpuMemoryGb"
            label={t("specs.gpuMemoryGb")}
            dependencies={["gpuCount"]}
            required={hasGpu}
            integer
            min={hasGpu ? 1 : 0}
            max={SPEC_LIMITS.gpuMemoryGb}
            disabled={!hasGpu}
          />
        </Col>
      </Row>
      <Form.Item name="gpuModel" label={t("specs.gpuModel")} extra={t("specs.gpuModelHelp")} rules={[{ required: hasGpu, message: t("auth.required") }]}>
        <Input disabled={!hasGpu} placeholder="NVIDIA RTX 4090" />
      </Form.Item>
      <Form.Item name="supportMemorySplit" label={t("specs.supportMemorySplit")} valuePropName="checked">
        <Switch disabled={!hasGpu} />
      </Form.Item>
      <Row gutter={16}>
        <Col span={12}>{whole("cpuCores", t("specs.cpuCores"), 1)}</Col>
        <Col span={12}>{whole("memoryGb", t("specs.memoryGb"), 1)}</Col>
        <Col span={12}>{whole("systemDiskGb", t("specs.systemDiskGb"))}</Col>
        <Col span={12}>{whole("dataDiskGb", t("specs.dataDiskGb"))}</Col>
      </Row>
      <NumberField
        name="price"
        label={`${t("specs.price")} (${CURRENCY_SYMBOL})`}
        required
        decimals={2}
        min={0}
        max={SPEC_LIMITS.pricePerHourCents / 100}
        step={0.5}
        prefix={CURRENCY_SYMBOL}
      />
      <Form.Item name="isListed" label={t("specs.isListed")} valuePropName="checked">
        <Switch />
      </Form.Item>
    </>
  );
}
