"use client";
import { AutoComplete, Button, Col, Divider, Flex, Form, Input, Radio, Row, Typography } from "antd";
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import type { TCluster, TCreateClusterRequest, TUpdateClusterRequest } from "@/lib/contracts/clusters";
import { useClusterPartitions } from "@/lib/hooks/clusters";
import { NumberField } from "../common/number-field";
import { SecretInput } from "../admin/secret-input";
import { useT } from "../providers/i18n";

// The cluster form's fields: where slurmrestd answers, how the console signs in there (a
// token, or the JWT key it mints tokens from: write-only), the service user, an optional
// login node for reading job output, and prices per partition (typed in ¥, sent in cents).

type PriceRow = { partition?: string; cpuHour?: number | null; gpuHour?: number | null };

export type ClusterFormValues = {
  name: string;
  url: string;
  authMode: "token" | "key";
  /** undefined: keep the stored one; a string: the new one. */
  authSecret?: string | null;
  serviceUser: string;
  /** undefined: keep; null: clear; a string: the new certificate. */
  caCert?: string | null;
  loginHost?: string | null;
  loginPort: number | null;
  loginUser?: string | null;
  /** undefined: keep; null: clear; a string: the new key. */
  loginPrivateKey?: string | null;
  prices?: PriceRow[];
};

/** API field → form field, for the server's refusals (prices.N.cpuHourCents → prices.N.cpuHour). */
export const CLUSTER_FIELD_NAMES: Record<string, string> = Object.fromEntries(
  Array.from({ length: 100 }, (_, i) => [
    [`prices.${i}.cpuHourCents`, `prices.${i}.cpuHour`],
    [`prices.${i}.gpuHourCents`, `prices.${i}.gpuHour`],
  ]).flat(),
);

const blankToNull = (v: string | null | undefined) => (typeof v === "string" && v.trim() ? v.trim() : null);
const cents = (yuan: number | null | undefined) => Math.round((yuan ?? 0) * 100);

/** Form values → request body. A new cluster sends every field; a change leaves kept secrets out. */
export function clusterBody(v: ClusterFormValues, existing: TCluster | null): TCreateClusterRequest | TUpdateClusterRequest {
  // Write-only fields: a new cluster has nothing stored (empty is none); a change keeps what is stored unless replaced or cleared.
  const writeOnly = (x: string | null | undefined) => (x === undefined ? (existing ? undefined : null) : blankToNull(x));
  return {
    name: v.name.trim(),
    url: v.url.trim(),
    authMode: v.authMode,
    ...(v.authSecret?.trim() ? { authSecret: v.authSecret.trim() } : {}),
    serviceUser: v.serviceUser.trim(),
    caCert: writeOnly(v.caCert),
    loginHost: blankToNull(v.loginHost),
    loginPort: Number(v.loginPort ?? 22),
    loginUser: blankToNull(v.loginUser),
    // No login node any more: its stored key goes too (unless one was just typed, which the server then questions).
    loginPrivateKey: !blankToNull(v.loginHost) && !blankToNull(v.loginUser) && v.loginPrivateKey === undefined ? null : writeOnly(v.loginPrivateKey),
    prices: (v.prices ?? [])
      .filter((p) => p.partition?.trim())
      .map((p) => ({ partition: p.partition!.trim(), cpuHourCents: cents(p.cpuHour), gpuHourCents: cents(p.gpuHour) })),
  } as TCreateClusterRequest;
}

export function clusterInitialValues(c: TCluster | null): Partial<ClusterFormValues> {
  if (!c) return { authMode: "key", serviceUser: "root", loginPort: 22, prices: [] };
  const conn = c.connection;
  return {
    name: c.name,
    url: conn?.url ?? "",
    authMode: conn?.authMode ?? "key",
    serviceUser: conn?.serviceUser ?? "",
    loginHost: conn?.loginHost ?? null,
    loginPort: conn?.loginPort ?? 22,
    loginUser: conn?.loginUser ?? null,
    prices: c.prices.map((p) => ({ partition: p.partition, cpuHour: p.cpuHourCents / 100, gpuHour: p.gpuHourCents / 100 })),
  };
}

function PriceRows({ clusterId }: { clusterId: string | null }) {
  const t = useT();
  // Partitions the cluster reports, offered while typing (a price may also name one to come).
  const partitions = useClusterPartitions(clusterId);
  const options = (partitions.data?.items ?? []).map((p) => ({ value: p.name }));
  return (
    <Form.List name="prices">
      {(fields, { add, remove }) => (
        <>
          {fields.map((f) => (
            <Flex key={f.key} gap={8} align="flex-start" wrap data-testid="price-row">
              <Form.Item
                name={[f.name, "partition"]}
                label={t("clusters.partition")}
                style={{ flex: "1 1 140px", marginBottom: 8 }}
                rules={[
                  { required: true, whitespace: true, message: t("validation.required", { field: t("clusters.partition") }) },
                  { pattern: /^[A-Za-z0-9_.-]{1,64}$/, message: t("clusters.partitionBad") },
                ]}
              >
                <AutoComplete options={options} filterOption={(input, o) => !!o?.value.toLowerCase().includes(input.toLowerCase())} />
              </Form.Item>
              <NumberField
                name={[f.name, "cpuHour"]}
                label={t("clusters.cpuHour")}
                decimals={2}
                min={0}
                max={10_000}
                required
                prefix="¥"
                itemStyle={{ flex: "1 1 120px", marginBottom: 8 }}
              />
              <NumberField
                name={[f.name, "gpuHour"]}
                label={t("clusters.gpuHour")}
                decimals={2}
                min={0}
                max={100_000}
                required
                prefix="¥"
                itemStyle={{ flex: "1 1 120px", marginBottom: 8 }}
              />
              <Button type="text" aria-label={t("common.delete")} icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} style={{ marginTop: 30 }} />
            </Flex>
          ))}
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ partition: "", cpuHour: 0, gpuHour: 0 })}>
            {t("clusters.addPrice")}
          </Button>
        </>
      )}
    </Form.List>
  );
}

export function ClusterFormFields({ cluster }: { cluster: TCluster | null }) {
  const t = useT();
  const form = Form.useFormInstance<ClusterFormValues>();
  const authMode = (Form.useWatch("authMode", form) as ClusterFormValues["authMode"] | undefined) ?? cluster?.connection?.authMode ?? "key";
  const loginHost = Form.useWatch("loginHost", form) as string | null | undefined;
  const conn = cluster?.connection ?? null;
  // The stored secret belongs to the stored mode: another mode needs its own.
  const secretIsSet = !!conn && conn.authMode === authMode;
  const required = (label: string) => ({ required: true, whitespace: true, message: t("validation.required", { field: label }) });
  const needsLogin = !!loginHost?.trim();
  return (
    <>
      <Divider titlePlacement="start" plain>
        {t("clusters.sectionBasics")}
      </Divider>
      <Form.Item name="name" label={t("clusters.name")} rules={[required(t("clusters.name")), { max: 64 }]}>
        <Input placeholder="hpc-a" />
      </Form.Item>
      <Form.Item name="url" label={t("clusters.url")} extra={t("clusters.urlHelp")} rules={[required(t("clusters.url"))]}>
        <Input placeholder="http://slurm-head:6820" />
      </Form.Item>

      <Divider titlePlacement="start" plain>
        {t("clusters.sectionAuth")}
      </Divider>
      <Form.Item name="authMode" label={t("clusters.authMode")}>
        <Radio.Group optionType="button" options={(["key", "token"] as const).map((m) => ({ value: m, label: t(`clusters.authModes.${m}`) }))} />
      </Form.Item>
      <Form.Item
        name="authSecret"
        label={authMode === "key" ? t("clusters.authKey") : t("clusters.authToken")}
        extra={authMode === "key" ? t("clusters.authKeyHelp") : t("clusters.authTokenHelp")}
        rules={secretIsSet ? [] : [required(authMode === "key" ? t("clusters.authKey") : t("clusters.authToken"))]}
      >
        {/* A new instance per mode: a switch of mode asks for the new secret. */}
        <SecretInput key={authMode} isSet={secretIsSet} />
      </Form.Item>
      <Form.Item
        name="serviceUser"
        label={t("clusters.serviceUser")}
        extra={t("clusters.serviceUserHelp")}
        rules={[required(t("clusters.serviceUser")), { pattern: /^[a-z_][a-z0-9_.-]{0,31}$/, message: t("clusters.unixUserBad") }]}
      >
        <Input autoComplete="off" placeholder="root" />
      </Form.Item>
      <Form.Item name="caCert" label={t("clusters.caCert")} extra={t("clusters.caCertHelp")}>
        <SecretInput isSet={!!conn?.hasCaCert} multiline />
      </Form.Item>

      <Divider titlePlacement="start" plain>
        {t("clusters.sectionLogin")}
      </Divider>
      <Typography.Paragraph type="secondary">{t("clusters.loginHelp")}</Typography.Paragraph>
      <Row gutter={16}>
        <Col xs={24} sm={16}>
          <Form.Item name="loginHost" label={t("clusters.loginHost")}>
            <Input placeholder="login01.hpc.example.com" autoComplete="off" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={8}>
          <NumberField name="loginPort" label={t("clusters.loginPort")} integer min={1} max={65535} required />
        </Col>
      </Row>
      <Form.Item
        name="loginUser"
        label={t("clusters.loginUser")}
        dependencies={["loginHost"]}
        rules={[...(needsLogin ? [required(t("clusters.loginUser"))] : []), { pattern: /^[a-z_][a-z0-9_.-]{0,31}$/, message: t("clusters.unixUserBad") }]}
      >
        <Input autoComplete="off" />
      </Form.Item>
      <Form.Item
        name="loginPrivateKey"
        label={t("clusters.loginKey")}
        dependencies={["loginHost"]}
        rules={needsLogin && !conn?.hasLoginKey ? [required(t("clusters.loginKey"))] : []}
      >
        <SecretInput isSet={!!conn?.hasLoginKey} multiline />
      </Form.Item>

      <Divider titlePlacement="start" plain>
        {t("clusters.sectionPrices")}
      </Divider>
      <Typography.Paragraph type="secondary">{t("clusters.pricesHelp")}</Typography.Paragraph>
      <PriceRows clusterId={cluster?.id ?? null} />
    </>
  );
}
