import "server-only";
import { createHash } from "node:crypto";
import Docker from "dockerode";
import { parseDockerAddress } from "@/lib/validation";

// The Docker engine of a node, through dockerode: unix socket, or TCP with TLS and a client
// certificate. Errors are turned into sentences an admin can act on.

export type DockerTarget = {
  dockerAddress: string;
  useTls: boolean;
  caCert?: string | null;
  clientCert?: string | null;
  clientKey?: string | null;
};

export type EngineFacts = { dockerVersion: string; os: string; cpuCores: number; memoryGb: number; runtimes: string[] };

const REQUEST_TIMEOUT_MS = 10_000;
const clients = new Map<string, Docker>();

export function dockerClient(t: DockerTarget, timeoutMs = REQUEST_TIMEOUT_MS): Docker {
  const key = createHash("sha256")
    .update(JSON.stringify([t.dockerAddress, t.useTls, t.caCert, t.clientCert, t.clientKey, timeoutMs]))
    .digest("hex");
  let client = clients.get(key);
  if (!client) {
    const address = parseDockerAddress(t.dockerAddress);
    if (!address) throw new Error(`Not a Docker address: ${t.dockerAddress}`);
    client =
      address.kind === "unix"
        ? new Docker({ socketPath: address.socketPath, timeout: timeoutMs })
        : new Docker({
            host: address.host,
            port: address.port,
            protocol: t.useTls ? "https" : "http",
            ...(t.useTls ? { ca: t.caCert ?? undefined, cert: t.clientCert ?? undefined, key: t.clientKey ?? undefined } : {}),
            timeout: timeoutMs,
          });
    if (clients.size > 200) clients.clear();
    clients.set(key, client);
  }
  return client;
}

/** A sentence explaining why talking to the engine failed. */
/** How messages users see name a node's engine (its address is for administrators). */
export const ENGINE_WORDS = "the node's Docker address";

/**
 * `shownAs` names the engine in the words (its address by default); messages users see say
 * "the node's Docker address" instead, so the address itself stays with administrators.
 */
export function describeDockerError(err: unknown, t: Pick<DockerTarget, "dockerAddress">, shownAs = t.dockerAddress): string {
  const e = err as NodeJS.ErrnoException & { reason?: string; statusCode?: number; json?: { message?: string } };
  const text = `${e?.code ?? ""} ${e?.message ?? String(err)}`;
  const at = shownAs;
  if (/bad certificate|certificate required|alert number 4[0-9]|ECONNRESET/i.test(text) && t.dockerAddress.startsWith("tcp://")) {
    return `Docker at ${at} refused the TLS handshake: it wants a client certificate signed by the CA it trusts (none was sent, or ours is signed by another CA)`;
  }
  if (/self[- ]signed certificate|unable to verify|UNABLE_TO_GET_ISSUER|CERT_SIGNATURE_FAILURE|unable to get local issuer/i.test(text)) {
    return `Docker's server certificate at ${at} is not signed by the configured CA certificate`;
  }
  if (/ERR_TLS_CERT_ALTNAME_INVALID|does not match certificate|Hostname\/IP does not match/i.test(text)) {
    return `Docker's server certificate at ${at} does not name this host`;
  }
  if (/HTTP request to an HTTPS server|client sent an HTTP request/i.test(text)) return `Docker at ${at} speaks TLS: turn on useTls and give the certificates`;
  if (/wrong version number|EPROTO|packet length too long/i.test(text)) return `Docker at ${at} does not speak TLS: turn off useTls, or check the port`;
  if (/ECONNREFUSED/.test(text)) return `Connection refused at ${at}: is dockerd running and listening there?`;
  if (/socket hang up|ECONNRESET|EPIPE/i.test(text)) return `The connection to Docker at ${at} broke before Docker answered`;
  if (/ENOENT/.test(text)) return `No Docker socket at ${at}`;
  if (/EACCES|EPERM/.test(text)) return `Permission denied on ${at}: the console's user cannot use that socket`;
  if (/ETIMEDOUT|timeout|ESOCKETTIMEDOUT/i.test(text)) return `No answer from Docker at ${at} in time`;
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return `Cannot resolve the host of ${at}`;
  if (/EHOSTUNREACH|ENETUNREACH/.test(text)) return `Host of ${at} is unreachable`;
  return e?.json?.message ?? e?.reason ?? e?.message ?? String(err);
}

export async function engineFacts(d: Docker): Promise<EngineFacts> {
  const [version, info] = await Promise.all([
    d.version(),
    d.info() as Promise<{ NCPU?: number; MemTotal?: number; OperatingSystem?: string; Runtimes?: Record<string, unknown> }>,
  ]);
  return {
    dockerVersion: version.Version,
    os: info.OperatingSystem ?? `${version.Os}/${version.Arch}`,
    cpuCores: info.NCPU ?? 0,
    memoryGb: Math.round((info.MemTotal ?? 0) / 2 ** 30),
    runtimes: Object.keys(info.Runtimes ?? {}),
  };
}

/** Whether an image reference is present in the engine (and its size). */
export async function imagePresence(d: Docker, reference: string): Promise<{ present: boolean; sizeBytes: number | null }> {
  try {
    const info = (await d.getImage(reference).inspect()) as { Size?: number };
    return { present: true, sizeBytes: info.Size ?? null };
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return { present: false, sizeBytes: null };
    throw err;
  }
}

export type PullProgress = { status: string; layer: string | null; current: number | null; total: number | null };

/**
 * Pulls `reference`, reporting Docker's progress messages as they stream. Rejects with
 * Docker's own reason when the pull fails (unknown image, registry unreachable ...).
 */
export async function pullImage(d: Docker, reference: string, onProgress: (p: PullProgress) => void): Promise<void> {
  const stream = (await d.pull(reference)) as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => {
    d.modem.followProgress(
      stream,
      (err: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
        const failed = output?.find((o) => o.error || o.errorDetail);
        if (err) reject(err);
        else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error));
        else resolve();
      },
      (event: { status?: string; id?: string; progressDetail?: { current?: number; total?: number }; error?: string }) => {
        if (event.error) return;
        onProgress({
          status: event.status ?? "",
          layer: event.id ?? null,
          current: event.progressDetail?.current ?? null,
          total: event.progressDetail?.total ?? null,
        });
      },
    );
  });
}
