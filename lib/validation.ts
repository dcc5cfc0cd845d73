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

/** C0 and C1 control characters (tab, newline, NUL ...): never part of a path or an address. */
export function hasControlCharacters(value: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
  return /[\u0000-\u001f\u007f-\u009f]/.test(value);
}

/** An image reference's parts as Docker reads them: "nvidia/cuda:12.4" is docker.io/nvidia/cuda, tag 12.4. */
export type ImageReferenceParts = { registry: string; repository: string; tag: string | null; digest: string | null };

/**
 * Splits a Docker image reference: the registry (docker.io unless the first component has a
 * dot or a port, or is localhost), the repository (Docker Hub's official images under
 * library/), the tag ("latest" when neither a tag nor a digest is given) and the digest.
 */
export function parseImageReference(reference: string): ImageReferenceParts {
  const [name = "", digest = null] = reference.trim().split("@") as [string, string?];
  const slash = name.indexOf("/");
  const first = slash > 0 ? name.slice(0, slash) : "";
  const hasRegistry = !!first && (first.includes(".") || first.includes(":") || first === "localhost");
  const rest = hasRegistry ? name.slice(slash + 1) : name;
  const colon = rest.lastIndexOf(":");
  const path = colon > rest.lastIndexOf("/") && colon >= 0 ? rest.slice(0, colon) : rest;
  const tag = colon > rest.lastIndexOf("/") && colon >= 0 ? rest.slice(colon + 1) : digest ? null : "latest";
  const registry = hasRegistry ? first : "docker.io";
  return { registry, repository: !hasRegistry && !path.includes("/") ? `library/${path}` : path, tag, digest: digest ?? null };
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127(?:\.\d{1,3}){3}$/.test(host);
}

export type DockerAddress = { kind: "unix"; socketPath: string } | { kind: "tcp"; host: string; port: number };

/** unix:///absolute/path or tcp://host:port; null when it is neither (or holds whitespace or control characters). */
export function parseDockerAddress(value: string): DockerAddress | null {
  if (/\s/.test(value) || hasControlCharacters(value)) return null;
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

/** An address range such as 10.0.0.0/8 or fd00::/8 (the prefix within the family's bits). */
export function isCidr(value: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(value);
  if (!m || !isIpAddress(m[1]!)) return false;
  return Number(m[2]) <= (IPV4.test(m[1]!) ? 32 : 128);
}

/**
 * What is wrong with a HAMi-core library path, or null. The path is bound into users'
 * containers, so it must name the library file itself (never a directory: a directory bind
 * once exposed TLS keys and a database to every container): absolute, already normalized,
 * plain characters, ending in .so or .so.<version>. The connection test checks on the node
 * that it really is a shared library.
 */
export function hamiCorePathProblem(value: string): string | null {
  if (hasControlCharacters(value)) return "must not contain control characters";
  if (!value.startsWith("/")) return "must be an absolute path (e.g. /usr/local/vgpu/libvgpu.so)";
  const parts = value.slice(1).split("/");
  if (parts.some((p) => p === "." || p === "..")) return "must not contain . or .. segments";
  if (parts.some((p) => p === "")) return "must be normalized (no // and no trailing /)";
  if (!parts.every((p) => /^[A-Za-z0-9._+@-]+$/.test(p))) return "may only contain letters, digits and . _ + @ - between slashes";
  if (!/^[A-Za-z0-9_+@-][A-Za-z0-9._+@-]*\.so(?:\.\d+)*$/.test(parts[parts.length - 1]!))
    return "must be the HAMi-core library file itself, ending in .so or .so.<version> (e.g. /usr/local/vgpu/libvgpu.so), not a directory";
  return null;
}

// ---- Numbers typed into forms -------------------------------------------------------------
// A number field keeps what the user typed. Text that is not a number becomes NaN (never a
// nearby number), and the rules below name the problem: nothing is rounded or clamped
// behind the user's back.

/** What a number field allows. `decimals`: at most this many digits after the point. */
export type NumberRule = { required?: boolean; integer?: boolean; decimals?: number; min?: number; max?: number };

export type NumberProblem =
  | { kind: "required" }
  | { kind: "notNumber" }
  | { kind: "whole" }
  | { kind: "decimals"; decimals: number }
  | { kind: "min"; min: number }
  | { kind: "max"; max: number };

// Full-width digits, point and minus as a Chinese input method types them.
const FULL_WIDTH = /[\uFF10-\uFF19\uFF0E\u3002\uFF0D\uFF0B]/g;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** The value of a number field's text: null when empty, NaN when it is not a plain decimal number. */
export function parseNumberText(text: string): number | null {
  const s = text
    .trim()
    .replace(FULL_WIDTH, (c) => (c === "\u3002" || c === "\uFF0E" ? "." : c === "\uFF0D" ? "-" : c === "\uFF0B" ? "+" : String(c.charCodeAt(0) - 0xff10)))
    .replace(/^\u2212/, "-");
  if (s === "") return null;
  return PLAIN_NUMBER.test(s) ? Number(s) : Number.NaN;
}

function hasAtMostDecimals(v: number, decimals: number): boolean {
  const scaled = v * 10 ** decimals;
  return Math.abs(scaled - Math.round(scaled)) <= 1e-9 * Math.max(1, Math.abs(scaled));
}

/** The first thing wrong with a number field's value (null, undefined or NaN included), or null. */
export function numberProblem(value: unknown, rule: NumberRule): NumberProblem | null {
  if (value === null || value === undefined || value === "") return rule.required ? { kind: "required" } : null;
  const v = typeof value === "string" ? parseNumberText(value) : value;
  if (typeof v !== "number" || !Number.isFinite(v)) return { kind: "notNumber" };
  if (rule.integer && !Number.isInteger(v)) return { kind: "whole" };
  if (!rule.integer && rule.decimals !== undefined && !hasAtMostDecimals(v, rule.decimals)) return { kind: "decimals", decimals: rule.decimals };
  if (rule.min !== undefined && v < rule.min) return { kind: "min", min: rule.min };
  if (rule.max !== undefined && v > rule.max) return { kind: "max", max: rule.max };
  return null;
}

/** An amount typed in yuan as integer cents (after numberProblem passed with decimals: 2). */
export function toCents(yuan: number): number {
  return Math.round(yuan * 100);
}
