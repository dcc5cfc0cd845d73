import { z } from "zod";
import { ZIdParams, ZNullableTimestamp, ZTimestamp } from "./common";
import { endpoint } from "./endpoint";

// SSH: users' public keys (for the jump host), and how to reach an instance through it.

export const ZSshKey = z.object({
  id: z.string(),
  name: z.string(),
  /** ssh-ed25519 | ecdsa-sha2-nistp256|384|521 | ssh-rsa */
  algorithm: z.string(),
  bits: z.number().int(),
  /** SHA256:..., as `ssh-keygen -l` prints it. */
  fingerprint: z.string(),
  /** `<type> <base64>` */
  publicKey: z.string(),
  comment: z.string().nullable(),
  createdAt: ZTimestamp,
  lastUsedAt: ZNullableTimestamp,
});
export type TSshKey = z.infer<typeof ZSshKey>;

export const ZCreateSshKeyRequest = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "is required")
      .max(64, "must be at most 64 characters")
      .regex(/^[^\p{C}]+$/u, "must not contain control characters"),
    /** One line of an OpenSSH .pub file: `ssh-ed25519 AAAA... comment`. */
    publicKey: z.string().trim().min(1, "is required").max(16_384, "is too long for a public key"),
  })
  .strict();
export type TCreateSshKeyRequest = z.infer<typeof ZCreateSshKeyRequest>;

/** How to reach an instance through the jump host. */
export const ZSshAccess = z.object({
  /** False when the console runs without its jump host (SSH_PORT=0). */
  enabled: z.boolean(),
  host: z.string(),
  port: z.number().int(),
  /** `<instance id>.<owner's username>` */
  username: z.string(),
  /** `ssh -p <port> <username>@<host>` */
  command: z.string(),
  /** An ~/.ssh/config stanza (Host aiinfra-<name>) for ssh, scp, rsync and VS Code Remote-SSH. */
  config: z.string(),
  /** The jump host's key, to compare with what ssh shows on first contact. */
  hostKeyFingerprint: z.string().nullable(),
  /** A known_hosts line for the jump host. */
  knownHosts: z.string().nullable(),
  /** The caller has no SSH key yet (add one in Profile first). */
  needsKey: z.boolean(),
});
export type TSshAccess = z.infer<typeof ZSshAccess>;

export const sshEndpoints = {
  listSshKeys: endpoint({
    method: "GET",
    path: "/api/v1/users/me/ssh-keys",
    auth: "user",
    tag: "Users",
    summary: "My SSH public keys",
    response: z.object({ items: z.array(ZSshKey) }),
  }),
  createSshKey: endpoint({
    method: "POST",
    path: "/api/v1/users/me/ssh-keys",
    audit: "ssh_key.create",
    auth: "user",
    tag: "Users",
    summary: "Add an SSH public key (ed25519, ECDSA, or RSA of at least 2048 bits)",
    body: ZCreateSshKeyRequest,
    response: ZSshKey,
    status: 201,
    errors: ["VALIDATION_FAILED", "CONFLICT"],
  }),
  deleteSshKey: endpoint({
    method: "DELETE",
    path: "/api/v1/users/me/ssh-keys/{id}",
    audit: "ssh_key.delete",
    auth: "user",
    tag: "Users",
    summary: "Delete an SSH key; jump-host sessions it opened end",
    params: ZIdParams,
    status: 204,
    errors: ["NOT_FOUND"],
  }),
  listUserSshKeys: endpoint({
    method: "GET",
    path: "/api/v1/admin/users/{id}/ssh-keys",
    auth: "admin",
    tag: "Admin",
    summary: "A user's SSH public keys",
    params: ZIdParams,
    response: z.object({ items: z.array(ZSshKey) }),
    errors: ["NOT_FOUND"],
  }),
  instanceSsh: endpoint({
    method: "GET",
    path: "/api/v1/instances/{id}/ssh",
    auth: "user",
    tag: "Instances",
    summary: "The ssh command and ~/.ssh/config stanza for an instance, through the jump host",
    params: ZIdParams,
    response: ZSshAccess,
    errors: ["NOT_FOUND"],
  }),
};
