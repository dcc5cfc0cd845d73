import "server-only";
import type { TCreateApiTokenRequest } from "@/lib/contracts/tokens";
import { audit } from "../audit/audit.service";
import type { Principal } from "../auth/principal";
import { generateApiToken } from "../auth/tokens";
import { emit } from "../events";
import { notFound } from "../http/errors";
import * as repo from "./tokens.repo";

// Personal API tokens of the signed-in user.

export function listTokens(p: Principal) {
  return repo.listTokens(p.userId);
}

export async function createToken(p: Principal, input: TCreateApiTokenRequest, ip: string) {
  const { token, prefix, hash } = generateApiToken();
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  const row = await repo.createToken({ userId: p.userId, name: input.name, prefix, tokenHash: hash, expiresAt });
  await audit({ actorId: p.userId, action: "token.create", target: { type: "api_token", id: row.id }, detail: { name: input.name }, ip });
  return { ...row, token };
}

export async function revokeToken(p: Principal, id: string, ip: string): Promise<void> {
  if (!(await repo.revokeToken(p.userId, id))) throw notFound("API token");
  emit("credential.revoked", { userId: p.userId, credentialId: id });
  await audit({ actorId: p.userId, action: "token.revoke", target: { type: "api_token", id }, ip });
}
