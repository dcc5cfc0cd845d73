import "server-only";
import type { TCreateApiTokenRequest } from "@/lib/contracts/tokens";
import { audited, auditNote } from "../audit/audit.service";
import type { Principal } from "../auth/principal";
import { generateApiToken } from "../auth/tokens";
import { emit } from "../events";
import { notFound } from "../http/errors";
import * as repo from "./tokens.repo";

// Personal API tokens of the signed-in user.

export function listTokens(p: Principal) {
  return repo.listTokens(p.userId);
}

export async function createToken(p: Principal, input: TCreateApiTokenRequest) {
  const { token, prefix, hash } = generateApiToken();
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  const row = await audited(async () => {
    const created = await repo.createToken({ userId: p.userId, name: input.name, prefix, tokenHash: hash, expiresAt });
    auditNote({ target: { type: "api_token", id: created.id, name: input.name }, detail: { prefix, expiresAt } });
    return created;
  });
  return { ...row, token };
}

export async function revokeToken(p: Principal, id: string): Promise<void> {
  auditNote({ target: { type: "api_token", id } });
  await audited(async () => {
    if (!(await repo.revokeToken(p.userId, id))) throw notFound("API token");
  });
  emit("credential.revoked", { userId: p.userId, credentialId: id });
}
