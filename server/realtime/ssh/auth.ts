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
  // RSA signed with SHA-1 (plain "ssh-rsa"): refused, as OpenSSH 8.8 and later refuse it.
  if (key.type === "ssh-rsa" && !hashAlgo) return false;
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
  const splits: { ref: string; owner: { id: string; username: string } }[] = [];
  for (let at = login.indexOf("."); at > 0; at = login.indexOf(".", at + 1)) {
    const ownerName = login.slice(at + 1).toLowerCase();
    if (!USERNAME.test(ownerName)) continue;
    const owner = ownerName === holder.username ? { id: holder.userId, username: holder.username } : await findForLogin(ownerName);
    if (!owner || (owner.id !== holder.userId && holder.role !== "admin")) continue;
    splits.push({ ref: login.slice(0, at), owner });
  }
  const found = await Promise.all(splits.map((s) => findByIdOrName(s.owner.id, s.ref)));
  const target = (i: number, instanceId: string | null, ambiguous: boolean): Target => ({
    kind: "instance",
    ownerId: splits[i]!.owner.id,
    ownerName: splits[i]!.owner.username,
    ref: splits[i]!.ref,
    instanceId,
    ambiguous,
  });
  // An instance's id names it whatever the splits; then a name; else the first owner found.
  for (const [i, rows] of found.entries()) {
    const byId = rows.find((r) => r.id === splits[i]!.ref);
    if (byId) return target(i, byId.id, false);
  }
  for (const [i, rows] of found.entries()) if (rows.length) return target(i, rows.length === 1 ? rows[0]!.id : null, rows.length > 1);
  return splits.length ? target(0, null, false) : { kind: "refused" };
}
