import "server-only";
import type { TSshAccess } from "@/lib/contracts/ssh";
import type { Principal } from "../auth/principal";
import { env } from "../env";
import { loadOwned } from "../instances/instances.service";
import { hostKey } from "./host-key";
import { countKeys } from "./keys.repo";

// How users reach an instance through the jump host: the exact command and an ~/.ssh/config
// stanza. The login name is `<instance id>.<owner>`: ids never need quoting, names may.

/** The host users type: SSH_PUBLIC_HOST, else PUBLIC_URL's, else the one the page was reached at. */
export function publicSshHost(requestHost: string | null): string {
  const e = env();
  if (e.SSH_PUBLIC_HOST) return e.SSH_PUBLIC_HOST;
  if (e.PUBLIC_URL) return new URL(e.PUBLIC_URL).hostname;
  if (requestHost) {
    try {
      return new URL(`http://${requestHost}`).hostname;
    } catch {
      /* a Host header that is no host */
    }
  }
  return "localhost";
}

/** A Host alias for ~/.ssh/config from the instance's name: letters, digits, - and _ only. */
export function hostAlias(name: string, id: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `aiinfra-${slug || id}`;
}

export async function sshAccess(p: Principal, instanceId: string, requestHost: string | null): Promise<TSshAccess> {
  const row = await loadOwned(p, instanceId);
  const e = env();
  const host = publicSshHost(requestHost);
  const port = e.SSH_PORT;
  const username = `${row.id}.${row.user.username}`;
  const portPart = port === 22 ? "" : ` -p ${port}`;
  const key = port ? hostKey() : null;
  const config = [
    `Host ${hostAlias(row.name, row.id)}`,
    `  HostName ${host}`,
    `  Port ${port}`,
    `  User ${username}`,
    "  # The console's jump host serves ssh, scp, sftp, rsync and -L forwarding (VS Code Remote-SSH).",
    "  ServerAliveInterval 30",
    "",
  ].join("\n");
  return {
    enabled: port !== 0,
    host,
    port,
    username,
    command: `ssh${portPart} ${username}@${host}`,
    config,
    hostKeyFingerprint: key?.fingerprint ?? null,
    knownHosts: key ? `${port === 22 ? host : `[${host}]:${port}`} ${key.publicKey}` : null,
    needsKey: (await countKeys(p.userId)) === 0,
  };
}
