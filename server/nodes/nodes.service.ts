import "server-only";
import { asRef, type MessageRef, parseRef, reasonText, type ServerMessageKey, type StatusReason } from "@/lib/i18n/message-ref";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { statSync } from "node:fs";
import ssh2 from "ssh2";
import type { TCreateNodeRequest, TNodeCheck, TNodeFacts, TNodeTest, TUpdateNodeRequest } from "@/lib/contracts/nodes";
import { nodeIssues, ZNodeTest, ZUnmanagedContainer, type TUnmanagedContainer } from "@/lib/contracts/nodes";
import { z } from "zod";
import type { ErrorIssue } from "@/lib/contracts/errors";
import { audited, auditNote } from "../audit/audit.service";
import { dockerClient, engineFacts, type DockerTarget } from "../adapters/docker";
import { DETECT_COMMAND, parseDetectedGpus } from "../adapters/gpu";
import { HostKeyMismatchError, shellQuote, withSsh, type SshTarget } from "../adapters/ssh";
import { seal, unseal } from "../crypto/secret-box";
import { AppError, isUniqueViolation, notFound, ref, validationError } from "../http/errors";
import { emit } from "../events";
import { logger } from "../logger";
import { freeCapacity, type Held } from "./capacity";
import { describeEngineError, identifyEngine } from "./engine-identity";
import { assertUnused } from "../instances/in-use";
import * as repo from "./nodes.repo";
import { nameTakenIn } from "../db/query";

// Compute nodes: CRUD with write-only encrypted secrets, the connection test (Docker, TLS,
// SSH login and pinned host key, nvidia-smi, HAMi-core), health status and its history.

const SECRETS = { sshPassword: "sshPasswordEnc", sshPrivateKey: "sshPrivateKeyEnc", clientKey: "clientKeyEnc" } as const;
type SecretField = keyof typeof SECRETS;
const context = (field: SecretField) => `node.${field}`;

export const LOCAL_DOCKER_ADDRESS = "unix:///var/run/docker.sock";

function secretOf(row: repo.NodeRow, field: SecretField): string | null {
  const sealed = row[SECRETS[field]];
  return sealed ? unseal(sealed, context(field)) : null;
}

export function dockerTargetOf(row: repo.NodeRow): DockerTarget {
  return {
    dockerAddress: row.dockerAddress,
    useTls: row.useTls,
    caCert: row.caCert,
    clientCert: row.clientCert,
    clientKey: row.useTls ? secretOf(row, "clientKey") : null,
  };
}

export function sshTargetOf(row: repo.NodeRow): SshTarget | null {
  const host = row.privateIp ?? row.publicIp;
  if (!host || !row.sshUsername || !(row.sshPasswordEnc || row.sshPrivateKeyEnc)) return null;
  return {
    host,
    port: row.sshPort,
    username: row.sshUsername,
    password: secretOf(row, "sshPassword"),
    privateKey: secretOf(row, "sshPrivateKey"),
    pinnedHostKey: row.sshHostKey,
  };
}

function parseTest(json: string | null): TNodeTest | null {
  if (!json) return null;
  const parsed = ZNodeTest.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : null;
}

function parseUnmanaged(json: string | null): TUnmanagedContainer[] {
  const parsed = z.array(ZUnmanagedContainer).safeParse(json ? JSON.parse(json) : []);
  return parsed.success ? parsed.data : [];
}

/** What the reconciler found on the node without a live instance; a change is logged once. */
export async function recordUnmanaged(row: repo.NodeRow, found: TUnmanagedContainer[]): Promise<void> {
  const json = found.length ? JSON.stringify(found) : null;
  if (json === row.unmanagedContainers) return;
  await repo.updateNode(row.id, { unmanagedContainers: json });
  if (found.length) logger.warn({ node: row.name, containers: found.map((c) => c.name) }, "containers with this console's labels and no instance");
}

function toDto(row: repo.NodeRow, held: Map<string, Held[]>) {
  const { sshPasswordEnc, sshPrivateKeyEnc, clientKeyEnc, lastTest, unmanagedContainers, statusRef, ...rest } = row;
  return {
    ...rest,
    tags: JSON.parse(row.tags) as string[],
    hasSshPassword: !!sshPasswordEnc,
    hasSshPrivateKey: !!sshPrivateKeyEnc,
    hasClientKey: !!clientKeyEnc,
    statusRef: parseRef(statusRef),
    lastTest: parseTest(lastTest),
    unmanagedContainers: parseUnmanaged(unmanagedContainers),
    free: freeCapacity(row, held.get(row.id) ?? []),
  };
}
export type NodeDto = ReturnType<typeof toDto>;

/** Certificates, keys and SSH keys must parse; a bad one is a 400 naming the field. */
function checkMaterial(input: Partial<Record<"caCert" | "clientCert" | "clientKey" | "sshPrivateKey", string | null | undefined>>): void {
  const issues: ErrorIssue[] = [];
  for (const field of ["caCert", "clientCert"] as const) {
    const v = input[field];
    if (!v) continue;
    try {
      new X509Certificate(v);
    } catch {
      issues.push({ path: field, message: "is not a readable PEM certificate" });
    }
  }
  if (input.clientKey) {
    try {
      createPrivateKey(input.clientKey);
    } catch {
      issues.push({ path: "clientKey", message: "is not a readable PEM private key" });
    }
  }
  if (input.sshPrivateKey) {
    const parsed = ssh2.utils.parseKey(input.sshPrivateKey);
    if (parsed instanceof Error) issues.push({ path: "sshPrivateKey", message: `cannot be read: ${parsed.message}` });
  }
  if (issues.length) throw validationError(issues);
}

function assertRules(shape: Parameters<typeof nodeIssues>[0]): void {
  const issues = nodeIssues(shape);
  if (issues.length) throw validationError(issues);
}

const NAME_TAKEN = () =>
  new AppError("CONFLICT", ref("serverMessages.nameExists.node"), { issues: [{ path: "name", message: "is already used by another node" }] });

/** Node names are unique, ignoring case (the unique index catches exact repeats that race). */
async function assertNameFree(name: string, exceptId?: string): Promise<void> {
  if (nameTakenIn(await repo.nodesNamedLike(name), name, exceptId)) throw NAME_TAKEN();
}

function nameTaken(err: unknown): never {
  if (isUniqueViolation(err)) throw NAME_TAKEN();
  throw err;
}

/** Splits a request into plain columns and sealed secret columns (null clears, absent keeps). */
function columnsOf(input: Partial<TCreateNodeRequest>) {
  const { sshPassword, sshPrivateKey, clientKey, tags, ...rest } = input;
  const plain = { ...rest, ...(tags !== undefined ? { tags: JSON.stringify([...new Set(tags)]) } : {}) };
  const sealed: Partial<Record<(typeof SECRETS)[SecretField], string | null>> = {};
  for (const [field, value] of Object.entries({ sshPassword, sshPrivateKey, clientKey }) as [SecretField, string | null | undefined][]) {
    if (value !== undefined) sealed[SECRETS[field]] = value === null ? null : seal(value, context(field));
  }
  return { ...plain, ...sealed };
}

export async function listNodes(q: repo.NodeListQuery) {
  const { items, total } = await repo.listNodes(q);
  const held = await repo.heldByNode(items.map((n) => n.id));
  return { items: items.map((n) => toDto(n, held)), total };
}

async function loadRow(id: string): Promise<repo.NodeRow> {
  const row = await repo.findNode(id);
  if (!row) throw notFound("Node");
  return row;
}

export async function getNode(id: string) {
  const row = await loadRow(id);
  return toDto(row, await repo.heldByNode([id]));
}

export async function createNode(input: TCreateNodeRequest) {
  checkMaterial(input);
  await assertNameFree(input.name);
  auditNote({ detail: input });
  const row = await audited(async () => {
    const created = await repo.createNode({ ...columnsOf(input), status: "unknown" } as never).catch(nameTaken);
    auditNote({ target: { type: "node", id: created.id, name: created.name } });
    return created;
  });
  return toDto(row, new Map());
}

/** What decides which engine a node's Docker address reaches. */
const TARGET_FIELDS = ["dockerAddress", "useTls", "caCert", "clientCert", "clientKey"] as const;
const PROBE_TIMEOUT_MS = 5_000;

export async function updateNode(id: string, input: TUpdateNodeRequest) {
  const row = await loadRow(id);
  auditNote({ target: { type: "node", id, name: row.name }, detail: input });
  checkMaterial(input);
  const pick = <K extends keyof TUpdateNodeRequest & keyof repo.NodeRow>(k: K) => (input[k] !== undefined ? input[k] : row[k]);
  assertRules({
    dockerAddress: pick("dockerAddress") as string,
    useTls: pick("useTls") as boolean,
    caCert: pick("caCert") as string | null,
    clientCert: pick("clientCert") as string | null,
    hasClientKey: input.clientKey !== undefined ? !!input.clientKey : !!row.clientKeyEnc,
    gpuCount: pick("gpuCount") as number,
    gpuName: pick("gpuName") as string | null,
    sshUsername: pick("sshUsername") as string | null,
    hasSshCredential:
      (input.sshPassword !== undefined ? !!input.sshPassword : !!row.sshPasswordEnc) ||
      (input.sshPrivateKey !== undefined ? !!input.sshPrivateKey : !!row.sshPrivateKeyEnc),
  });
  if (input.name !== undefined) await assertNameFree(input.name, id);
  let updated = await audited(() => repo.updateNode(id, columnsOf(input) as never).catch(nameTaken));
  // Another address is another engine (or none): the old status says nothing about it.
  if (TARGET_FIELDS.some((f) => input[f] !== undefined && (f === "clientKey" || input[f] !== row[f]))) {
    await checkHealth(updated, PROBE_TIMEOUT_MS);
    updated = await loadRow(id);
  }
  return toDto(updated, await repo.heldByNode([id]));
}

export async function deleteNode(id: string): Promise<void> {
  const row = await loadRow(id);
  auditNote({ target: { type: "node", id, name: row.name } });
  await assertUnused(ref("serverMessages.inUse.node", { name: row.name }), { nodeId: id });
  await audited(() => repo.deleteNode(id));
}

export async function trustHostKey(id: string, fingerprintValue: string) {
  const row = await loadRow(id);
  auditNote({ target: { type: "node", id, name: row.name }, detail: { fingerprint: fingerprintValue, previous: row.sshHostKey } });
  const updated = await audited(() => repo.updateNode(id, { sshHostKey: fingerprintValue }));
  return toDto(updated, await repo.heldByNode([id]));
}

export async function nodeEvents(id: string, q: { page: number; pageSize: number }) {
  await loadRow(id);
  return repo.listStatusEvents({ nodeId: id }, q);
}

/**
 * Looks at the HAMi-core path on the node: what kind of file it is (following symlinks, so a
 * link to a directory counts as the directory) and, for a readable regular file, its first
 * 18 bytes (ELF magic, class, byte order ... and e_type) in hex.
 */
export function hamiProbeCommand(path: string): string {
  const p = shellQuote(path);
  return [
    `if [ -d ${p} ]; then echo directory`,
    `elif [ ! -e ${p} ]; then echo missing`,
    `elif [ ! -f ${p} ]; then echo special`,
    `elif [ ! -r ${p} ]; then echo unreadable`,
    `else echo file; od -An -tx1 -N18 -- ${p}; fi`,
  ].join("; ");
}

const ET_DYN = 3;

/** One check's outcome: its English message and the reference beside it (an engine's own words are kept as they are). */
function check(key: TNodeCheck["key"], ok: boolean | null, reason: StatusReason): TNodeCheck {
  return { key, ok, message: reasonText(reason), ref: asRef(reason) };
}

/** The hami_core check from the probe's output. Pure. */
export function hamiCoreCheck(path: string, probe: { stdout: string; code: number | null }): TNodeCheck {
  const fail = (key: string, params: Record<string, string | number> = {}): TNodeCheck =>
    check("hami_core", false, ref(`serverMessages.nodeTest.${key}` as ServerMessageKey, { path, ...params }));
  const [kind = "", ...rest] = probe.stdout.trim().split("\n");
  if (probe.code !== 0) return fail("hamiExit", { code: String(probe.code) });
  if (kind === "missing") return fail("hamiMissing");
  if (kind === "directory") return fail("hamiDirectory");
  if (kind === "special") return fail("hamiSpecial");
  if (kind === "unreadable") return fail("hamiUnreadable");
  if (kind !== "file") return fail("hamiUnknown");
  const bytes = rest
    .join(" ")
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((h) => Number.parseInt(h, 16));
  if (bytes.length < 18 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    return fail("hamiNotElf");
  }
  // e_type: 2 bytes at offset 16, in the byte order EI_DATA (offset 5) names: 1 little, 2 big.
  const type = bytes[5] === 2 ? bytes[16]! * 256 + bytes[17]! : bytes[17]! * 256 + bytes[16]!;
  if (type !== ET_DYN) return fail("hamiNotShared", { type });
  return check("hami_core", true, ref("serverMessages.nodeTest.hamiFound", { path }));
}

/**
 * The NVIDIA Container Toolkit's programs: Docker offers the "nvidia" device driver (what
 * GPU instances ask for) when its hook is on dockerd's PATH, or runs the nvidia runtime.
 */
const TOOLKIT_COMMAND = "command -v nvidia-container-runtime-hook || command -v nvidia-ctk || command -v nvidia-container-runtime";

/** Can the node's Docker start GPU containers? (undefined toolkit: not looked for, no SSH). Pure. */
export function gpuRuntimeCheck(gpuCount: number, runtimes: string[] | null, toolkit: string | null | undefined): TNodeCheck {
  if (gpuCount === 0) return check("gpu_runtime", null, ref("serverMessages.nodeTest.noGpus"));
  if (runtimes?.includes("nvidia")) return check("gpu_runtime", true, ref("serverMessages.nodeTest.nvidiaRuntime"));
  if (toolkit) return check("gpu_runtime", true, ref("serverMessages.nodeTest.toolkitFound", { toolkit }));
  if (toolkit === undefined) return check("gpu_runtime", null, ref("serverMessages.nodeTest.toolkitNotChecked"));
  return check("gpu_runtime", false, ref("serverMessages.nodeTest.noGpuRuntime"));
}

/** The library can only be looked at on the node itself, over SSH. */
function hamiNeedsSsh(row: repo.NodeRow, why: MessageRef): TNodeCheck {
  return row.hamiCorePath
    ? check("hami_core", null, ref("serverMessages.nodeTest.hamiNeedsSsh", { path: row.hamiCorePath, why }))
    : check("hami_core", null, ref("serverMessages.nodeTest.noHamiPath"));
}

type SshOutcome = { checks: TNodeCheck[]; gpus: TNodeFacts["gpus"]; presentedHostKey: string | null; pin: string | null; toolkit: string | null | undefined };

async function sshChecks(row: repo.NodeRow): Promise<SshOutcome> {
  const target = sshTargetOf(row);
  if (!target) {
    const why = ref((row.privateIp ?? row.publicIp) ? "serverMessages.nodeTest.noSshCreds" : "serverMessages.nodeTest.noSshIp");
    return {
      checks: [
        check("ssh", null, why),
        check("ssh_host_key", null, ref("serverMessages.nodeTest.notCheckedNoSsh")),
        check("nvidia_smi", null, ref("serverMessages.nodeTest.notCheckedNoSsh")),
        hamiNeedsSsh(row, ref("serverMessages.nodeTest.hamiWhyCreds")),
      ],
      gpus: null,
      presentedHostKey: null,
      pin: null,
      toolkit: undefined,
    };
  }
  try {
    return await withSsh(target, async (s) => {
      const checks: TNodeCheck[] = [
        check("ssh", true, ref("serverMessages.nodeTest.loggedIn", { user: target.username, host: target.host, port: target.port })),
      ];
      checks.push(
        check(
          "ssh_host_key",
          true,
          ref(target.pinnedHostKey ? "serverMessages.nodeTest.hostKeyMatches" : "serverMessages.nodeTest.hostKeyPinned", { key: s.hostKey }),
        ),
      );
      let gpus: TNodeFacts["gpus"] = null;
      const smi = await s.exec(DETECT_COMMAND);
      if (smi.code === 0) {
        gpus = parseDetectedGpus(smi.stdout);
        const names = [...new Set(gpus.map((g) => `${g.name} (${g.memoryGb} GB)`))].join(", ");
        const listed = gpus.length > 1 ? "serverMessages.nodeTest.smiGpus" : "serverMessages.nodeTest.smiGpu";
        checks.push(check("nvidia_smi", true, gpus.length ? ref(listed, { count: gpus.length, names }) : ref("serverMessages.nodeTest.smiNone")));
      } else if (smi.code === 127) {
        const missing = row.gpuCount > 0 ? "serverMessages.nodeTest.smiMissing" : "serverMessages.nodeTest.smiMissingNoGpus";
        checks.push(check("nvidia_smi", row.gpuCount > 0 ? false : null, ref(missing)));
      } else {
        const output = (smi.stderr || smi.stdout).trim().slice(0, 300);
        checks.push(check("nvidia_smi", false, ref("serverMessages.nodeTest.smiFailed", { code: String(smi.code), output })));
      }
      const toolkit = row.gpuCount > 0 ? await s.exec(TOOLKIT_COMMAND) : null;
      if (row.hamiCorePath) {
        checks.push(hamiCoreCheck(row.hamiCorePath, await s.exec(hamiProbeCommand(row.hamiCorePath))));
      } else {
        checks.push(check("hami_core", null, ref("serverMessages.nodeTest.noHamiPath")));
      }
      return {
        checks,
        gpus,
        presentedHostKey: s.hostKey,
        pin: target.pinnedHostKey ? null : s.hostKey,
        toolkit: toolkit?.code === 0 ? toolkit.stdout.trim().split("\n")[0] || null : null,
      };
    });
  } catch (err) {
    const mismatch = err instanceof HostKeyMismatchError;
    return {
      checks: [
        check("ssh", mismatch ? null : false, mismatch ? ref("serverMessages.nodeTest.hostKeyMismatch") : (err as Error).message),
        check("ssh_host_key", mismatch ? false : null, mismatch ? (err as Error).message : ref("serverMessages.nodeTest.notCheckedNoConnection")),
        check("nvidia_smi", null, ref("serverMessages.nodeTest.notCheckedNoSsh")),
        hamiNeedsSsh(row, ref("serverMessages.nodeTest.hamiWhyLogin")),
      ],
      gpus: null,
      presentedHostKey: mismatch ? (err as HostKeyMismatchError).presented : null,
      pin: null,
      toolkit: undefined,
    };
  }
}

/**
 * CPU cores and memory left at 0 are taken from the engine: a node without capacity can host
 * nothing, and an admin who left them at 0 meant "what the machine has". Pure.
 */
export function capacityFill(
  node: { cpuCores: number; memoryGb: number },
  facts: { cpuCores: number | null; memoryGb: number | null },
): { cpuCores?: number; memoryGb?: number } {
  return {
    ...(node.cpuCores === 0 && (facts.cpuCores ?? 0) > 0 ? { cpuCores: facts.cpuCores! } : {}),
    ...(node.memoryGb === 0 && (facts.memoryGb ?? 0) > 0 ? { memoryGb: facts.memoryGb! } : {}),
  };
}

function describeFill(f: { cpuCores?: number; memoryGb?: number }): MessageRef {
  if (f.cpuCores !== undefined && f.memoryGb !== undefined) return ref("serverMessages.nodeTest.fillBoth", { cpu: f.cpuCores, memory: f.memoryGb });
  return f.cpuCores !== undefined
    ? ref("serverMessages.nodeTest.fillCpu", { cpu: f.cpuCores })
    : ref("serverMessages.nodeTest.fillMemory", { memory: f.memoryGb ?? 0 });
}

/** Runs every check, stores the result and the status, pins the host key at first contact; fills capacity left at 0. */
export async function testNode(id: string): Promise<TNodeTest> {
  const row = await loadRow(id);
  auditNote({ target: { type: "node", id, name: row.name } });
  const target = dockerTargetOf(row);
  let docker: TNodeCheck;
  let facts: Pick<TNodeFacts, "dockerVersion" | "os" | "cpuCores" | "memoryGb"> = { dockerVersion: null, os: null, cpuCores: null, memoryGb: null };
  let runtimes: string[] | null = null;
  try {
    const engine = dockerClient(target, 8_000);
    await identifyEngine(engine);
    ({ runtimes, ...facts } = await engineFacts(engine));
    const reachable = row.useTls ? "serverMessages.nodeTest.dockerReachableTls" : "serverMessages.nodeTest.dockerReachable";
    docker = check("docker", true, ref(reachable, { version: String(facts.dockerVersion), address: row.dockerAddress }));
  } catch (err) {
    // The engine's (or the connection's) own words.
    docker = check("docker", false, describeEngineError(err, target));
  }
  const ssh = await sshChecks(row);
  const filled = docker.ok ? capacityFill(row, facts) : {};
  if (Object.keys(filled).length)
    docker = check("docker", docker.ok, ref("serverMessages.nodeTest.withFill", { check: docker.ref ?? docker.message, filled: describeFill(filled) }));
  const result: TNodeTest = {
    testedAt: new Date().toISOString(),
    online: docker.ok === true,
    // The GPU runtime check goes after nvidia-smi's.
    checks: [docker, ...ssh.checks.flatMap((c) => (c.key === "nvidia_smi" ? [c, gpuRuntimeCheck(row.gpuCount, runtimes, ssh.toolkit)] : [c]))],
    detected: { ...facts, gpus: ssh.gpus },
    presentedHostKey: ssh.presentedHostKey,
  };
  auditNote({ detail: { online: result.online, filled } });
  await audited(() =>
    repo.recordStatus(id, result.online ? "online" : "offline", result.online ? null : (docker.ref ?? docker.message), {
      lastTest: JSON.stringify(result),
      // Memory split binds this file into users' containers: only a path that passed is used.
      hamiCoreCheckedPath: ssh.checks.some((c) => c.key === "hami_core" && c.ok === true) ? row.hamiCorePath : null,
      ...(ssh.pin ? { sshHostKey: ssh.pin } : {}),
      ...filled,
    }),
  );
  return result;
}

/** The health worker's check of one node: is a Docker engine answering at its address? */
export async function checkHealth(row: repo.NodeRow, timeoutMs: number): Promise<void> {
  const target = dockerTargetOf(row);
  let online = true;
  let message: MessageRef | null = null;
  try {
    await identifyEngine(dockerClient(target, timeoutMs));
  } catch (err) {
    online = false;
    message = describeEngineError(err, target);
  }
  const changed = await repo.recordStatus(row.id, online ? "online" : "offline", message);
  if (changed) {
    const text = message && reasonText(message);
    logger.info({ node: row.name, status: online ? "online" : "offline", message: text }, "node status changed");
    emit("node.status", { nodeId: row.id, name: row.name, status: online ? "online" : "offline", message: text });
  }
}

export function allNodeRows() {
  return repo.allNodes();
}

/** Offers this machine's Docker socket as a node when it exists and no node uses it yet. */
export async function localNodeOffer() {
  const socketPath = LOCAL_DOCKER_ADDRESS.slice("unix://".length);
  let available = false;
  try {
    available = statSync(socketPath).isSocket();
  } catch {
    available = false;
  }
  const alreadyAdded = (await repo.allNodes({ dockerAddress: LOCAL_DOCKER_ADDRESS })).length > 0;
  let detected: TNodeFacts | null = null;
  if (available) {
    try {
      detected = { ...(await engineFacts(dockerClient({ dockerAddress: LOCAL_DOCKER_ADDRESS, useTls: false }, 5_000))), gpus: null };
    } catch {
      available = false;
    }
  }
  return { available, dockerAddress: LOCAL_DOCKER_ADDRESS, alreadyAdded, detected };
}
