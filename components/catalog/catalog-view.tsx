"use client";
import Link from "@/components/common/link";
import { Button, Card, Col, Empty, Row, Skeleton, Space, Tag, Typography } from "antd";
import { AppstoreOutlined, ClusterOutlined, RocketOutlined } from "@ant-design/icons";
import { useImages, useSpecs } from "@/lib/hooks/catalog";
import { parseImageReference } from "@/lib/validation";
import { LoadError } from "../common/listing";
import { SpecFacts } from "./spec-facts";
import { useT } from "../providers/i18n";

// The user's catalog: listed images and listed specs as cards, with what is available now
// and a way to launch with one (the launch wizard opens with it chosen).

/** Where an image comes from (registry and repository, from its reference) and which tag, plus the admin's note on it. */
function ImageSource({ address, note }: { address: string; note: string | null }) {
  const t = useT();
  const ref = parseImageReference(address);
  const where = `${ref.registry}/${ref.repository.replace(/^library\//, "")}`;
  return (
    <Space orientation="vertical" size={4} style={{ width: "100%" }} data-testid="image-source">
      <Typography.Text type="secondary">
        {t("catalog.source")}:{" "}
        <Typography.Text code title={address} style={{ wordBreak: "break-all" }}>
          {where}
        </Typography.Text>
        {note && ` · ${note}`}
      </Typography.Text>
      <Space size={4} wrap>
        {ref.tag && (
          <Tag color="blue" data-testid="image-tag">
            {t("catalog.tag", { tag: ref.tag })}
          </Tag>
        )}
        {ref.digest && <Tag title={ref.digest}>{`@${ref.digest.slice(0, 19)}…`}</Tag>}
      </Space>
    </Space>
  );
}

export function CatalogView() {
  const t = useT();
  const images = useImages({ page: 1, pageSize: 100 });
  const specs = useSpecs({ page: 1, pageSize: 100 });

  return (
    <Space orientation="vertical" size="large" style={{ width: "100%" }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t("catalog.title")}
      </Typography.Title>
      <section>
        <Typography.Title level={4}>
          <ClusterOutlined /> {t("catalog.specs")}
        </Typography.Title>
        {specs.isLoading ? (
          <Skeleton active />
        ) : specs.isError ? (
          <LoadError onRetry={() => void specs.refetch()} />
        ) : !specs.data?.items.length ? (
          <Empty description={t("catalog.noSpecs")} />
        ) : (
          <Row gutter={[16, 16]}>
            {specs.data.items.map((s) => (
              <Col key={s.id} xs={24} sm={12} lg={8} xl={6}>
                <Card
                  title={s.name}
                  data-testid={`spec-card-${s.name}`}
                  actions={[
                    <Link key="launch" href={`/instances/new?spec=${encodeURIComponent(s.id)}`} aria-disabled={s.availableNodes === 0}>
                      <Button type="link" icon={<RocketOutlined />} disabled={s.availableNodes === 0}>
                        {t("catalog.launchWith")}
                      </Button>
                    </Link>,
                  ]}
                >
                  {/* Availability under the name, not over it (a ribbon covered long names). */}
                  <Tag color={s.availability === "available" ? "green" : s.availability === "busy" ? "orange" : "red"} style={{ marginBottom: 8 }}>
                    {s.availability === "available"
                      ? t("catalog.available", { count: s.availableNodes })
                      : s.availability === "busy"
                        ? t("catalog.soldOut")
                        : t("catalog.noNode")}
                  </Tag>
                  <SpecFacts spec={s} />
                </Card>
              </Col>
            ))}
          </Row>
        )}
      </section>
      <section>
        <Typography.Title level={4}>
          <AppstoreOutlined /> {t("catalog.images")}
        </Typography.Title>
        {images.isLoading ? (
          <Skeleton active />
        ) : images.isError ? (
          <LoadError onRetry={() => void images.refetch()} />
        ) : !images.data?.items.length ? (
          <Empty description={t("catalog.noImages")} />
        ) : (
          <Row gutter={[16, 16]}>
            {images.data.items.map((i) => (
              <Col key={i.id} xs={24} sm={12} lg={8} xl={6}>
                <Card
                  title={i.name}
                  data-testid={`image-card-${i.name}`}
                  extra={i.supportMemorySplit && <Tag color="purple">{t("catalog.memorySplit")}</Tag>}
                  actions={[
                    <Link key="launch" href={`/instances/new?image=${encodeURIComponent(i.id)}`}>
                      <Button type="link" icon={<RocketOutlined />}>
                        {t("catalog.launchWith")}
                      </Button>
                    </Link>,
                  ]}
                >
                  <Typography.Paragraph ellipsis={{ rows: 3 }} type={i.description ? undefined : "secondary"}>
                    {i.description ?? "—"}
                  </Typography.Paragraph>
                  <ImageSource address={i.address} note={i.source} />
                </Card>
              </Col>
            ))}
          </Row>
        )}
      </section>
    </Space>
  );
}
