import "server-only";
import type { TCreateSshKeyRequest } from "@/lib/contracts/ssh";
import { audited, auditNote } from "../audit/audit.service";
import type { Principal } from "../auth/principal";
import { emit } from "../events";
import { AppError, isUniqueViolation, notFound, ref, validationError } from "../http/errors";
import { renderMessage } from "@/lib/i18n/message-ref";
import { findProfile } from "../users/users.repo";
import * as repo from "./keys.repo";
import { parsePublicKey } from "./public-key";

// Users' SSH public keys: the jump host knows who connects by the key they sign with.

export function listKeys(p: Principal) {
  return repo.listKeys(p.userId);
}

export async function listUserKeys(userId: string) {
  if (!(await findProfile(userId))) throw notFound("User");
  return repo.listKeys(userId);
}

export async function addKey(p: Principal, input: TCreateSshKeyRequest) {
  const parsed = parsePublicKey(input.publicKey);
  if ("error" in parsed) throw validationError([{ path: "publicKey", message: parsed.error }]);
  if ((await repo.countKeys(p.userId)) >= repo.MAX_KEYS_PER_USER) {
    throw new AppError("CONFLICT", ref("serverMessages.limits.sshKeys", { count: repo.MAX_KEYS_PER_USER }));
  }
  let row: repo.SshKeyRow;
  try {
    row = await audited(() =>
      repo
        .createKey({
          userId: p.userId,
          name: input.name,
          algorithm: parsed.algorithm,
          bits: parsed.bits,
          fingerprint: parsed.fingerprint,
          publicKey: parsed.publicKey,
          comment: parsed.comment,
        })
        .then((r) => {
          auditNote({ target: { type: "ssh_key", id: r.id, name: r.name }, detail: { fingerprint: r.fingerprint, algorithm: r.algorithm } });
          return r;
        }),
    );
  } catch (err) {
    // One key, one account: the jump host tells who connects by the key.
    if (isUniqueViolation(err)) {
      const message = ref("serverMessages.sshKeyInUse", { fingerprint: parsed.fingerprint });
      throw new AppError("CONFLICT", message, { issues: [{ path: "publicKey", message: renderMessage("en-US", message), ...message }] });
    }
    throw err;
  }
  return row;
}

export async function deleteKey(p: Principal, id: string): Promise<void> {
  auditNote({ target: { type: "ssh_key", id } });
  await audited(async () => {
    if (!(await repo.deleteKey(p.userId, id))) throw notFound("SSH key");
  });
  emit("sshKey.deleted", { userId: p.userId, keyId: id });
}
