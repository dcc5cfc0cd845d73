import "server-only";
import type Docker from "dockerode";
import { type MessageRef, ref } from "@/lib/i18n/message-ref";
import { describeDockerError, type DockerTarget } from "../adapters/docker";

// Is the service at a node's Docker address really a Docker engine? An address may point at
// any service (an HTTP server, sshd, PostgreSQL): it must answer /_ping with "OK" and
// /version with Docker's fields before the node may be online, and what such a service
// says is never repeated to anyone (it could be a secret): only fixed sentences are.

export class NotDockerError extends Error {
  constructor() {
    super("not a Docker engine");
    this.name = "NotDockerError";
  }
}

type DockerVersion = { Version: string; ApiVersion: string; Os: string; Arch: string };

function looksLikeDockerVersion(v: unknown): v is DockerVersion {
  const o = v as Partial<Record<keyof DockerVersion, unknown>> | null;
  return (
    !!o &&
    typeof o === "object" &&
    typeof o.Version === "string" &&
    typeof o.ApiVersion === "string" &&
    /^\d+\.\d+$/.test(o.ApiVersion) &&
    typeof o.Os === "string" &&
    typeof o.Arch === "string"
  );
}

/** Resolves with the engine's /version when the service answers as Docker; else rejects (NotDockerError or the transport's error). */
export async function identifyEngine(d: Docker): Promise<DockerVersion> {
  const pong: unknown = await d.ping();
  if (String(Buffer.isBuffer(pong) ? pong.toString("utf8") : pong).trim() !== "OK") throw new NotDockerError();
  const version: unknown = await d.version();
  if (!looksLikeDockerVersion(version)) throw new NotDockerError();
  return version;
}

/** The fixed sentence for an address whose service is not a Docker engine. */
export const notDockerMessage = (address: string) => ref("serverMessages.docker.notDocker", { at: address });

/**
 * Why talking to the engine failed, in fixed sentences only: transport problems as
 * describeDockerError words them (refused, no socket, TLS, timeout ...); any answer of
 * another service, or an unknown error, as the not-a-Docker-engine sentence, never its text.
 */
export function describeEngineError(err: unknown, t: Pick<DockerTarget, "dockerAddress" | "useTls">): MessageRef {
  const e = err as { code?: unknown; message?: unknown; statusCode?: unknown } | null;
  const at = t.dockerAddress;
  if (err instanceof NotDockerError) return notDockerMessage(at);
  // Docker with TLS answers plain HTTP with this 400 (Go's net/http): say so, not its body.
  if (typeof e?.statusCode === "number") {
    return !t.useTls && /client sent an HTTP request to an HTTPS server/i.test(String(e.message))
      ? ref("serverMessages.docker.speaksTls", { at })
      : notDockerMessage(at);
  }
  if (typeof e?.code === "string" && e.code.startsWith("HPE_")) return notDockerMessage(at);
  if (!t.useTls && at.startsWith("tcp://") && (e?.code === "ECONNRESET" || /socket hang up/i.test(String(e?.message)))) {
    return ref("serverMessages.docker.closedNotDocker", { at });
  }
  const sentence = describeDockerError(err, t);
  // describeDockerError falls back to the error's own text: never pass that on.
  return typeof sentence === "string" ? ref("serverMessages.docker.unexpected", { at }) : sentence;
}
