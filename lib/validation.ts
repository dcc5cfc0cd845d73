// Validators shared by contracts (browser-safe).

const alnum = "[a-z0-9]+";
const separator = "(?:[._]|__|-+)";
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]{1,5})?`;
const tag = "[\\w][\\w.-]{0,127}";
const digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const DOMAIN = new RegExp(`^${domain}$`);
const REMOTE = new RegExp(`^${pathComponent}(?:/${pathComponent})*(?::${tag})?(?:@${digest})?$`);

/**
 * A Docker image reference as the engine accepts it (distribution/reference grammar). As in
 * Docker, the first component is a registry only if it has a dot or a port, or is localhost;
 * otherwise it belongs to the (lower-case) repository path.
 */
export function isImageReference(value: string): boolean {
  if (value.length > 512 || (value.split("@")[0] ?? "").length > 255) return false;
  const slash = value.indexOf("/");
  const first = slash > 0 ? value.slice(0, slash) : "";
  if (first && (first.includes(".") || first.includes(":") || first === "localhost")) {
    return DOMAIN.test(first) && REMOTE.test(value.slice(slash + 1));
  }
  return REMOTE.test(value);
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127(?:\.\d{1,3}){3}$/.test(host);
}

export type DockerAddress = { kind: "unix"; socketPath: string } | { kind: "tcp"; host: string; port: number };

/** unix:///absolute/path or tcp://host:port; null when it is neither. */
export function parseDockerAddress(value: string): DockerAddress | null {
  const unix = /^unix:\/\/(\/[^\0]+)$/.exec(value);
  if (unix) return { kind: "unix", socketPath: unix[1]! };
  const tcp = /^tcp:\/\/(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(value);
  if (tcp) {
    const port = Number(tcp[2]);
    if (port < 1 || port > 65535) return null;
    return { kind: "tcp", host: tcp[1]!.replace(/^\[|\]$/g, ""), port };
  }
  return null;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]+$/;

export function isIpAddress(value: string): boolean {
  return IPV4.test(value) || (value.includes(":") && IPV6.test(value));
}
