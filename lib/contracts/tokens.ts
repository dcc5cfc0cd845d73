import { z } from "zod";
import { ZIdParams, ZNullableTimestamp, ZTimestamp } from "./common";
import { endpoint } from "./endpoint";

// Personal API tokens: the secret is answered once, at creation; only a hash is kept.

export const ZApiToken = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: ZTimestamp,
  lastUsedAt: ZNullableTimestamp,
  expiresAt: ZNullableTimestamp,
  revokedAt: ZNullableTimestamp,
});
export type TApiToken = z.infer<typeof ZApiToken>;

export const ZCreateApiTokenRequest = z
  .object({
    name: z.string().trim().min(1, "is required").max(64, "must be at most 64 characters"),
    /** Days until the token expires; absent or null: never. */
    expiresInDays: z.number().int().min(1, "must be at least 1").max(3650, "must be at most 3650").nullable().optional(),
  })
  .strict();
export type TCreateApiTokenRequest = z.infer<typeof ZCreateApiTokenRequest>;

export const ZCreatedApiToken = ZApiToken.extend({ token: z.string() });

export const tokensEndpoints = {
  listTokens: endpoint({
    method: "GET",
    path: "/api/v1/users/me/tokens",
    auth: "user",
    tag: "Users",
    summary: "My API tokens (never their secrets)",
    response: z.object({ items: z.array(ZApiToken) }),
  }),
  createToken: endpoint({
    method: "POST",
    path: "/api/v1/users/me/tokens",
    audit: "token.create",
    auth: "user",
    tag: "Users",
    summary: "Create an API token; the secret is in this response only",
    body: ZCreateApiTokenRequest,
    response: ZCreatedApiToken,
    status: 201,
  }),
  revokeToken: endpoint({
    method: "DELETE",
    path: "/api/v1/users/me/tokens/{id}",
    audit: "token.revoke",
    auth: "user",
    tag: "Users",
    summary: "Revoke one of my API tokens",
    params: ZIdParams,
    status: 204,
    errors: ["NOT_FOUND"],
  }),
};
