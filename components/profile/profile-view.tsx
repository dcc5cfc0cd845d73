"use client";
import { Col, Row } from "antd";
import { AccountCard } from "./account-card";
import { MyActivityCard } from "./my-activity";
import { PasswordCard } from "./password-card";
import { SshKeysCard } from "./ssh-keys-card";
import { TokensCard } from "./tokens-card";

export function ProfileView() {
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={12}>
        <AccountCard />
      </Col>
      <Col xs={24} lg={12}>
        <PasswordCard />
      </Col>
      <Col span={24}>
        <SshKeysCard />
      </Col>
      <Col span={24}>
        <TokensCard />
      </Col>
      <Col span={24}>
        <MyActivityCard />
      </Col>
    </Row>
  );
}
