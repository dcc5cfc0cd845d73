import "server-only";
import ssh2 from "ssh2";
import type { TRole } from "@/lib/contracts/users";
import { findByIdOrName } from "../../instances/instances.repo";
import { fingerprintOf } from "../../ssh/public-key";
import { findByFingerprint } from "../../ssh/keys.repo";
import { findForLogin } from "../../users/users.repo";

// Who may open which instance through the jump host. The login name is
// `<instance>.<owner>`: the instance's id or name, a dot, its owner's username (names and
// usernames may hold dots: every split is tried, the owner's part must be a user). The key
// offered names the person; it must be the owner's, or an administrator's.

export type KeyHolder = { keyId: string; userId: string; username: string; role: TRole; publicKey: string };

export type Target =
  /** The owner was found and the key may open their instances; `instanceId` null: none matches `ref`. */
  { kind: "instance"; ownerId: string; ownerName: string; ref: string; instanceId: string | null; ambiguous: boolean } | { kind: "refused" };

/** The key's holder, when the key is registered and its account active. */
export async function keyHolder(keyBlob: Buffer): Promise<KeyHolder | null> {
  const row = await findByFingerprint(fingerprintOf(keyBlob));
  if (!row?.user.isActive) return null;
  return { keyId: row.id, userId: row.userId, username: row.user.username, role: row.user.role as TRole, publicKey: row.publicKey };
}

/** Whether `signature` over `blob` was made with the holder's key (never accept a key without this). */
export function signatureValid(holder: KeyHolder, blob: Buffer | undefined, signature: Buffer | undefined, hashAlgo: string | undefined): boolean {
  if (!blob || !signature) return false;
  const key = ssh2.utils.parseKey(holder.publicKey);
  if (key instanceof Error || Array.isArray(key)) return false;
  try {
    return key.verify(blob, signature, hashAlgo) === true;
  } catch {
    return false;
  }
}

const USERNAME = /^[a-z0-9_.-]{3,32}$/;

/** Resolves the login name for the key's holder. */
export async function resolveTarget(login: string, holder: KeyHolder): Promise<Target> {
  if (login.length > 200) return { kind: "refused" };
  let unmatched: Target | null = null;
  for (let at = login.indexOf("."); at > 0; at = login.indexOf(".", at + 1)) {
    const ref = login.slice(0, at);
    const ownerName = login.slice(at + 1).toLowerCase();
    if (!USERNAME.test(ownerName)) continue;
    const owner = ownerName === holder.username ? { id: holder.userId, username: holder.username } : await findForLogin(ownerName);
    if (!owner) continue;
    if (owner.id !== holder.userId && holder.role !== "admin") continue;
    const rows = await findByIdOrName(owner.id, ref);
    const byId = rows.find((r) => r.id === ref);
    if (!rows.length) {
      // A later split may name one (an owner whose username has a dot).
      unmatched ??= { kind: "instance", ownerId: owner.id, ownerName: owner.username, ref, instanceId: null, ambiguous: false };
      continue;
    }
    return {
      kind: "instance",
      ownerId: owner.id,
      ownerName: owner.username,
      ref,
      instanceId: byId?.id ?? (rows.length === 1 ? rows[0]!.id : null),
      ambiguous: !byId && rows.length > 1,
    };
  }
  return unmatched ?? { kind: "refused" };
}
