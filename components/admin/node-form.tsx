"use client";
import { Col, Divider, Form, Input, Row, Switch } from "antd";
import type { TNode } from "@/lib/contracts/nodes";
import { NumberField } from "../common/number-field";
import { SecretInput } from "./secret-input";
import { useT } from "../providers/i18n";

// The node form's fields, grouped as the admin thinks of a node: basics, hardware, Docker,
// SSH, GPUs. Secrets are write-only (see SecretInput).

export type NodeFormValues = {
  name: string;
  region?: string | null;
  cpuModel?: string | null;
  cpuCores: number | string;
  memoryGb: number | string;
  systemDiskGb: number | string;
  dataDiskGb: number | string;
  publicIp?: string | null;
  privateIp?: string | null;
  sshPort: number | string;
  sshUsername?: string | null;
  sshPassword?: string | null;
  sshPrivateKey?: string | null;
  gpuName?: string | null;
  gpuCount: number | string;
  gpuMemoryGb: number | string;
  hamiCorePath?: string | null;
  dockerAddress: string;
  useTls: boolean;
  caCert?: string | null;
  clientCert?: string | null;
  clientKey?: string | null;
  isListed: boolean;
};

const OPTIONAL_TEXT = ["region", "cpuModel", "publicIp", "privateIp", "sshUsername", "gpuName", "hamiCorePath", "caCert", "clientCert"] as const;

/** The whole-number fields and their ranges (as lib/contracts/nodes.ts accepts them). */
const NUMBERS = {
  cpuCores: { min: 0, max: 4096 },
  memoryGb: { min: 0, max: 1_048_576 },
  systemDiskGb: { min: 0, max: 1_048_576 },
  dataDiskGb: { min: 0, max: 1_048_576 },
  sshPort: { min: 1, max: 65535 },
  gpuCount: { min: 0, max: 64 },
  gpuMemoryGb: { min: 0, max: 1024 },
} as const;
type NumberFieldName = keyof typeof NUMBERS;

/** Form values → request body: blank optional text becomes null; secrets keep undefined/null. */
export function nodeBody(v: NodeFormValues) {
  const body: Record<string, unknown> = { ...v };
  for (const k of Object.keys(NUMBERS) as NumberFieldName[]) if (v[k] !== undefined) body[k] = Number(String(v[k]).trim());
  for (const k of OPTIONAL_TEXT) body[k] = typeof v[k] === "string" && v[k]!.trim() ? v[k]!.trim() : null;
  if (!v.useTls) {
    body.caCert = null;
    body.clientCert = null;
  }
  return body;
}

export function nodeInitialValues(n: TNode | null): Partial<NodeFormValues> {
  if (!n)
    return {
      dockerAddress: "unix:///var/run/docker.sock",
      sshPort: 22,
      cpuCores: 0,
      memoryGb: 0,
      systemDiskGb: 0,
      dataDiskGb: 0,
      gpuCount: 0,
      gpuMemoryGb: 0,
      useTls: false,
      isListed: true,
    };
  const { hasSshPassword: _a, hasSshPrivateKey: _b, hasClientKey: _c, ...rest } = n;
  return rest;
}

export function NodeFormFields({ node }: { node: TNode | null }) {
  const t = useT();
  const form = Form.useFormInstance<NodeFormValues>();
  const useTls = Form.useWatch("useTls", form);
  const gpuCount = Number(Form.useWatch("gpuCount", form) ?? 0);
  const required = { required: true, message: t("auth.required") };
  // Number fields keep what was typed and name what is wrong (never rounded or clamped).
  const num = (name: NumberFieldName, label: string) => <NumberField name={name} label={label} integer required {...NUMBERS[name]} />;
  return (
    <>
      <Divider titlePlacement="start" plain>
        {t("nodes.sectionBasics")}
      </Divider>
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name="name" label={t("nodes.name")} rules={[required, { max: 64 }]}>
            <Input />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="region" label={t("nodes.region")}>
            <Input />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="publicIp" label={t("nodes.publicIp")}>
            <Input />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="privateIp" label={t("nodes.privateIp")}>
            <Input />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="isListed" label={t("nodes.isListed")} valuePropName="checked">
        <Switch />
      </Form.Item>

      <Divider titlePlacement="start" plain>
        {t("nodes.sectionDocker")}
      </Divider>
      <Form.Item name="dockerAddress" label={t("nodes.dockerAddress")} extra={t("nodes.dockerAddressHelp")} rules={[required]}>
        <Input />
      </Form.Item>
      <Form.Item name="useTls" label={t("nodes.useTls")} valuePropName="checked">
        <Switch />
      </Form.Item>
      {useTls && (
        <>
          <Form.Item name="caCert" label={t("nodes.caCert")} rules={[required]}>
            <Input.TextArea rows={3} placeholder="-----BEGIN CERTIFICATE-----" style={{ fontFamily: "monospace" }} />
          </Form.Item>
          <Form.Item name="clientCert" label={t("nodes.clientCert")} rules={[required]}>
            <Input.TextArea rows={3} placeholder="-----BEGIN CERTIFICATE-----" style={{ fontFamily: "monospace" }} />
          </Form.Item>
          <Form.Item name="clientKey" label={t("nodes.clientKey")} rules={node?.hasClientKey ? [] : [required]}>
            <SecretInput isSet={!!node?.hasClientKey} multiline />
          </Form.Item>
        </>
      )}

      <Divider titlePlacement="start" plain>
        {t("nodes.sectionSsh")}
      </Divider>
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name="sshUsername" label={t("nodes.sshUsername")}>
            <Input autoComplete="off" />
          </Form.Item>
        </Col>
        <Col span={12}>{num("sshPort", t("nodes.sshPort"))}</Col>
      </Row>
      <Form.Item name="sshPassword" label={t("nodes.sshPassword")}>
        <SecretInput isSet={!!node?.hasSshPassword} />
      </Form.Item>
      <Form.Item name="sshPrivateKey" label={t("nodes.sshPrivateKey")}>
        <SecretInput isSet={!!node?.hasSshPrivateKey} multiline />
      </Form.Item>

      <Divider titlePlacement="start" plain>
        {t("nodes.sectionHardware")}
      </Divider>
      <Form.Item name="cpuModel" label={t("nodes.cpuModel")}>
        <Input placeholder="Intel Xeon Gold 6248" />
      </Form.Item>
      <Row gutter={16}>
        <Col span={12}>{num("cpuCores", t("nodes.cpuCores"))}</Col>
        <Col span={12}>{num("memoryGb", t("nodes.memoryGb"))}</Col>
        <Col span={12}>{num("systemDiskGb", t("nodes.systemDiskGb"))}</Col>
        <Col span={12}>{num("dataDiskGb", t("nodes.dataDiskGb"))}</Col>
      </Row>

      <Divider titlePlacement="start" plain>
        {t("nodes.sectionGpu")}
      </Divider>
      <Row gutter={16}>
        <Col span={12}>{num("gpuCount", t("nodes.gpuCount"))}</Col>
        <Col span={12}>{num("gpuMemoryGb", t("nodes.gpuMemoryGb"))}</Col>
      </Row>
      <Form.Item name="gpuName" label={t("nodes.gpuName")} rules={gpuCount > 0 ? [required] : []}>
        <Input placeholder="NVIDIA GeForce RTX 4090" />
      </Form.Item>
      <Form.Item name="hamiCorePath" label={t("nodes.hamiCorePath")} extra={t("nodes.hamiCoreHelp")}>
        <Input placeholder="/usr/local/vgpu/libvgpu.so" />
      </Form.Item>
    </>
  );
}
