"use client";
import { Button, Flex, Form, Input, Space, Switch, Tag, Typography } from "antd";
import type { Rule } from "antd/es/form";
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { NOTEBOOK_PORT, type TImage } from "@/lib/contracts/images";
import { NumberInput, useNumberRules } from "../common/number-field";
import { useT } from "../providers/i18n";

// An image's web apps: in the admin form (HTTP ports users open through the console, each
// port once, at most 10, and 8888 left to JupyterLab on a notebook image: the server's rules,
// said before saving) and as tags in the images table.

export const MAX_APPS = 10;

/** A row as the form holds it: the port is NaN while its text is not a number. */
export type ImageAppRow = { port?: number | null; name?: string };

/** The rows to send: trimmed names (the form's rules have checked the rest). */
export function appsBody(rows: ImageAppRow[] | undefined): { port: number; name: string }[] {
  return (rows ?? []).map((a) => ({ port: a.port ?? 0, name: (a.name ?? "").trim() }));
}

function usePortRules(index: number): Rule[] {
  const t = useT();
  const numberRules = useNumberRules();
  return [
    ...numberRules(t("images.appPort"), { required: true, integer: true, min: 1, max: 65535 }),
    ({ getFieldValue }) => ({
      validator: async (_, port: unknown) => {
        if (typeof port !== "number" || !Number.isInteger(port)) return;
        if (port === NOTEBOOK_PORT && getFieldValue("notebook")) throw new Error(t("images.portNotebook", { port }));
        // The later of two rows with one port is the one said to repeat it (as the server does).
        const rows = (getFieldValue("apps") ?? []) as (ImageAppRow | undefined)[];
        if (rows.slice(0, index).some((r) => r?.port === port)) throw new Error(t("images.portTwice", { port }));
      },
    }),
  ];
}

function AppRow({ index, others, onRemove }: { index: number; others: number[]; onRemove: () => void }) {
  const t = useT();
  const portRules = usePortRules(index);
  // The two fields report to the row's item, whose messages run the row's whole width
  // (JupyterLab's is long for a port box).
  return (
    <div data-testid="image-app-row">
      <Form.Item style={{ marginBottom: 0 }}>
        <Flex gap={8} align="flex-start">
          <Form.Item
            noStyle
            name={[index, "port"]}
            // Re-checked when the notebook switch or another row's port changes.
            dependencies={[["notebook"], ...others.map((o) => ["apps", o, "port"])]}
            rules={portRules}
          >
            <NumberInput placeholder="6006" aria-label={t("images.appPort")} style={{ flex: "0 0 130px" }} />
          </Form.Item>
          <Form.Item
            noStyle
            name={[index, "name"]}
            rules={[
              { required: true, whitespace: true, message: t("images.appNameRequired") },
              { max: 40, message: t("images.appNameMax") },
            ]}
          >
            <Input placeholder={t("images.appNamePlaceholder")} aria-label={t("images.appName")} maxLength={40} style={{ flex: "1 1 auto" }} />
          </Form.Item>
          <Button type="text" icon={<MinusCircleOutlined />} aria-label={t("images.removeApp")} onClick={onRemove} />
        </Flex>
      </Form.Item>
    </div>
  );
}

/** The notebook switch and the web apps list, inside the image form. */
export function ImageAppsFields() {
  const t = useT();
  const form = Form.useFormInstance();
  // The rows after a removed one move up and are drawn anew (antd keeps a row's messages
  // under its old place otherwise): those that showed a problem are checked again in their
  // new place, which also ends a "listed twice" the removed row caused.
  const removeRow = (index: number, remove: (index: number) => void) => {
    const failing = form
      .getFieldsError()
      .filter((f) => f.name[0] === "apps" && typeof f.name[1] === "number" && f.name[1] !== index && f.errors.length)
      .map((f) => {
        const row = f.name[1] as number;
        return ["apps", row > index ? row - 1 : row, ...f.name.slice(2)];
      });
    remove(index);
    if (failing.length) setTimeout(() => form.validateFields(failing).catch(() => undefined), 0);
  };
  return (
    <>
      <Form.Item name="notebook" label={t("images.notebook")} valuePropName="checked" extra={t("images.notebookHelp", { port: NOTEBOOK_PORT })}>
        <Switch />
      </Form.Item>
      <Form.Item label={t("images.apps")} extra={t("images.appsHelp")}>
        <Form.List name="apps">
          {(fields, { add, remove }) => (
            <Space orientation="vertical" size="small" style={{ width: "100%" }}>
              {fields.map((f) => (
                <AppRow
                  key={`${f.key}@${f.name}`}
                  index={f.name}
                  others={fields.filter((o) => o.name !== f.name).map((o) => o.name)}
                  onRemove={() => removeRow(f.name, remove)}
                />
              ))}
              <Space wrap>
                <Button type="dashed" icon={<PlusOutlined />} disabled={fields.length >= MAX_APPS} onClick={() => add({ name: "" })}>
                  {t("images.addApp")}
                </Button>
                {fields.length >= MAX_APPS && <Typography.Text type="secondary">{t("images.appsMax", { max: MAX_APPS })}</Typography.Text>}
              </Space>
            </Space>
          )}
        </Form.List>
      </Form.Item>
    </>
  );
}

/** The image's apps as tags ("JupyterLab :8888", "TensorBoard :6006"); a dash when it has none. */
export function ImageAppTags({ image }: { image: Pick<TImage, "apps" | "notebook"> }) {
  if (!image.notebook && !image.apps.length) return <>—</>;
  return (
    <Space size={[0, 4]} wrap data-testid="image-apps">
      {image.notebook && <Tag color="orange">{`JupyterLab :${NOTEBOOK_PORT}`}</Tag>}
      {image.apps.map((a) => (
        <Tag key={a.port} color="blue">{`${a.name} :${a.port}`}</Tag>
      ))}
    </Space>
  );
}
