import "server-only";
import { createHash } from "node:crypto";
import Docker from "dockerode";
import { type MessageRef, ref, type ServerMessageKey, type StatusReason } from "@/lib/i18n/message-ref";
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

/** How messages users see name a node's engine (its address is for administrators). */
export const ENGINE_WORDS: MessageRef = ref("serverMessages.docker.nodeAddress");

/**
 * `shownAs` names the engine in the words (its address by default); messages users see say
 * "the node's Docker address" instead, so the address itself stays with administrators.
 */
/** Why talking to the engine failed: a fixed sentence (a reference), else the engine's own words. */
export function describeDockerError(err: unknown, t: Pick<DockerTarget, "dockerAddress">, shownAs: string | MessageRef = t.dockerAddress): StatusReason {
  const e = err as NodeJS.ErrnoException & { reason?: string; statusCode?: number; json?: { message?: string } };
  const text = `${e?.code ?? ""} ${e?.message ?? String(err)}`;
  const say = (key: string) => ref(`serverMessages.docker.${key}` as ServerMessageKey, { at: shownAs });
  if (/bad certificate|certificate required|alert number 4[0-9]|ECONNRESET/i.test(text) && t.dockerAddress.startsWith("tcp://")) return say("tlsRefused");
  if (/self[- ]signed certificate|unable to verify|UNABLE_TO_GET_ISSUER|CERT_SIGNATURE_FAILURE|unable to get local issuer/i.test(text))
    return say("untrustedCert");
  if (/ERR_TLS_CERT_ALTNAME_INVALID|does not match certificate|Hostname\/IP does not match/i.test(text)) return say("wrongHost");
  if (/HTTP request to an HTTPS server|client sent an HTTP request/i.test(text)) return say("speaksTls");
  if (/wrong version number|EPROTO|packet length too long/i.test(text)) return say("noTls");
  if (/ECONNREFUSED/.test(text)) return say("refused");
  if (/socket hang up|ECONNRESET|EPIPE/i.test(text)) return say("broke");
  if (/ENOENT/.test(text)) return say("noSocket");
  if (/EACCES|EPERM/.test(text)) return say("permission");
  if (/ETIMEDOUT|timeout|ESOCKETTIMEDOUT/i.test(text)) return say("timeout");
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return say("unresolvable");
  if (/EHOSTUNREACH|ENETUNREACH/.test(text)) return say("unreachable");
  // Docker's own words.
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
