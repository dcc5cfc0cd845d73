// Nodes against the real database and real parts: the local dockerd, the TLS dockerd, sshd
// with a fixture nvidia-smi. Secrets are sealed at rest; checks explain themselves.
import { readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { TCreateNodeRequest } from "@/lib/contracts/nodes";
import { renderMessage } from "@/lib/i18n/message-ref";
import { ZCreateNodeRequest } from "@/lib/contracts/nodes";
import { db } from "../db/client";
import { env } from "../env";
import { AppError } from "../http/errors";
import { LOCAL_DOCKER, NOT_HAMI, SSH, TLS_DOCKER, tls, wrongTls } from "../testing/node-fixtures";
import { instanceRow } from "../testing/instance-row";
import * as nodes from "./nodes.service";

let n = 0;
const create = (over: Partial<TCreateNodeRequest> = {}) =>
  nodes.createNode(ZCreateNodeRequest.parse({ name: `node-${++n}-${Date.now()}`, dockerAddress: LOCAL_DOCKER, ...over }));

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

const sshFields = { privateIp: SSH.host, sshPort: SSH.port, sshUsername: SSH.username };

describe("secrets at rest", () => {
  it("are sealed in the database and only flagged in responses", async () => {
    const marker = `plain-${Date.now()}`;
    const sshPassword = `${marker}-ssh-password`;
    const { clientKey } = tls();
    const created = await create({ dockerAddress: TLS_DOCKER, useTls: true, ...tls(), sshPassword, ...sshFields });
    expect(created).toMatchObject({ hasSshPassword: true, hasClientKey: true, hasSshPrivateKey: false });
    expect(JSON.stringify(created)).not.toContain(sshPassword);
    expect(JSON.stringify(created)).not.toContain("PRIVATE KEY");

    const rows = await db().$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "Node"`);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(sshPassword);
    expect(dump).not.toContain(clientKey.split("\n")[1]!);
    expect(dump).toContain("v1.");
    if (env().dbProvider === "sqlite") {
      // The file and its write-ahead log, byte for byte.
      const file = env().databaseUrl.replace(/^file:/, "");
      for (const f of readdirSync(path.dirname(file)).filter((x) => x.startsWith(path.basename(file)))) {
        const bytes = readFileSync(path.join(path.dirname(file), f)).toString("latin1");
        expect(bytes.includes(sshPassword), f).toBe(false);
        expect(bytes.includes(clientKey.split("\n")[1]!), f).toBe(false);
      }
    }
  });

  it("null clears a secret, absent keeps it", async () => {
    const node = await create({ ...sshFields, sshPassword: "first-password" });
    const kept = await nodes.updateNode(node.id, { region: "east" });
    expect(kept.hasSshPassword).toBe(true);
    const cleared = await nodes.updateNode(node.id, { sshPassword: null, sshPrivateKey: SSH.privateKey() });
    expect(cleared).toMatchObject({ hasSshPassword: false, hasSshPrivateKey: true, region: "east" });
  });
});

describe("validation", () => {
  it("refuses tcp:// without TLS off loopback, TLS without certificates, unreadable PEM", async () => {
    const bad = ZCreateNodeRequest.safeParse({ name: "x", dockerAddress: "tcp://10.0.0.5:2375" });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(["dockerAddress"]);
    expect(ZCreateNodeRequest.safeParse({ name: "x", dockerAddress: "tcp://127.0.0.1:2375" }).success).toBe(true);
    const noCerts = ZCreateNodeRequest.safeParse({ name: "x", dockerAddress: TLS_DOCKER, useTls: true });
    expect(noCerts.error!.issues.map((i) => i.path[0]).sort()).toEqual(["caCert", "clientCert", "clientKey"]);

    const err = await rejection(
      create({ dockerAddress: TLS_DOCKER, useTls: true, ...tls(), caCert: "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----" }),
    );
    expect(err.issues?.map((i) => i.path)).toEqual(["caCert"]);
  });

  it("checks the merged result of an update", async () => {
    const node = await create({ dockerAddress: TLS_DOCKER, useTls: true, ...tls() });
    const err = await rejection(nodes.updateNode(node.id, { dockerAddress: "tcp://10.1.2.3:2376", useTls: false }));
    expect(err.issues?.[0]?.path).toBe("dockerAddress");
    const noKey = await rejection(nodes.updateNode(node.id, { clientKey: null }));
    expect(noKey.issues?.[0]?.path).toBe("clientKey");
  });

  it("names must be unique, ignoring case", async () => {
    const node = await create();
    const err = await rejection(create({ name: node.name }));
    expect(err.status).toBe(409);
    expect(err.issues).toEqual([{ path: "name", message: "is already used by another node", key: "serverMessages.issues.alreadyUsedNode" }]);
    expect((await rejection(create({ name: node.name.toUpperCase() }))).status).toBe(409);
    const other = await create();
    expect((await rejection(nodes.updateNode(other.id, { name: ` ${node.name.toUpperCase()}` }))).status).toBe(409);
    // Renaming a node to its own name (another case) is fine.
    expect((await nodes.updateNode(node.id, { name: node.name.toUpperCase() })).name).toBe(node.name.toUpperCase());
  });
});

describe("connection test", () => {
  it("local engine over the unix socket: online, with detected facts", async () => {
    const node = await create();
    const result = await nodes.testNode(node.id);
    expect(result.online).toBe(true);
    expect(result.checks[0]).toMatchObject({ key: "docker", ok: true });
    expect(result.detected.cpuCores).toBeGreaterThan(0);
    expect(result.checks.find((c) => c.key === "ssh")).toMatchObject({ ok: null, message: "No IP address configured for SSH" });
    const after = await nodes.getNode(node.id);
    expect(after.status).toBe("online");
    expect(after.lastSeenAt).toBeInstanceOf(Date);
    expect(after.lastTest?.online).toBe(true);
    expect((await nodes.nodeEvents(node.id, { page: 1, pageSize: 10 })).items.map((e) => e.status)).toEqual(["online"]);
    // CPU and memory were left at 0: the engine's numbers fill them, and the check says so.
    expect(after).toMatchObject({ cpuCores: result.detected.cpuCores, memoryGb: result.detected.memoryGb });
    expect(result.checks[0]!.message).toContain(`capacity was 0, now ${result.detected.cpuCores} CPU cores and ${result.detected.memoryGb} GB of memory`);
    const typed = await create({ cpuCores: 64, memoryGb: 0 });
    await nodes.testNode(typed.id);
    expect(await nodes.getNode(typed.id)).toMatchObject({ cpuCores: 64, memoryGb: result.detected.memoryGb });
  });

  it("TLS engine: the client certificate works; another CA's does not", async () => {
    const good = await nodes.testNode((await create({ dockerAddress: TLS_DOCKER, useTls: true, ...tls() })).id);
    expect(good.checks[0]!.message).toContain("over TLS with the client certificate");
    const badNode = await create({ dockerAddress: TLS_DOCKER, useTls: true, ...wrongTls(), caCert: tls().caCert });
    const bad = await nodes.testNode(badNode.id);
    expect(bad.online).toBe(false);
    expect(bad.checks[0]).toMatchObject({ ok: false });
    expect(bad.checks[0]!.message).toContain("refused the TLS handshake");
    const stored = await nodes.getNode(badNode.id);
    expect(stored.statusMessage).toContain("refused the TLS handshake");
    // The same sentence for a Chinese reader, the address kept.
    expect(renderMessage("zh-CN", stored.statusRef!)).toBe(
      `${TLS_DOCKER} 上的 Docker 拒绝了 TLS 握手：它需要由其信任的 CA 签发的客户端证书（未发送证书，或我们的证书由其他 CA 签发）`,
    );
  });

  it("SSH: login, host key pinned at first contact, GPUs from nvidia-smi, HAMi-core", async () => {
    const node = await create({ ...sshFields, sshPassword: SSH.password, hamiCorePath: SSH.hamiCorePath, gpuName: "RTX 4090", gpuCount: 2, gpuMemoryGb: 24 });
    const first = await nodes.testNode(node.id);
    const byKey = Object.fromEntries(first.checks.map((c) => [c.key, c]));
    expect(byKey.ssh).toMatchObject({ ok: true, message: `Logged in as aicnode@127.0.0.1:${SSH.port}` });
    expect(byKey.ssh_host_key!.message).toMatch(/pinned at first contact/);
    expect(byKey.nvidia_smi).toMatchObject({ ok: true, message: "nvidia-smi lists 2 GPUs: NVIDIA GeForce RTX 4090 (24 GB)" });
    expect(byKey.hami_core).toMatchObject({ ok: true });
    expect(byKey.gpu_runtime).toMatchObject({
      ok: true,
      message: expect.stringMatching(/^NVIDIA Container Toolkit found \(.*nvidia-container-runtime-hook\)/),
    });
    expect(first.checks.map((c) => c.key)).toEqual(["docker", "ssh", "ssh_host_key", "nvidia_smi", "gpu_runtime", "hami_core"]);
    expect(first.detected.gpus).toHaveLength(2);
    const pinned = (await nodes.getNode(node.id)).sshHostKey;
    expect(pinned).toBe(first.presentedHostKey);

    const second = await nodes.testNode(node.id);
    expect(second.checks.find((c) => c.key === "ssh_host_key")!.message).toBe(`Host key matches the pinned ${pinned}`);
  });

  it("a changed host key is refused until an admin trusts it", async () => {
    const node = await create({ ...sshFields, sshPrivateKey: SSH.privateKey() });
    await nodes.testNode(node.id);
    const pinned = (await nodes.getNode(node.id)).sshHostKey!;
    // Same address book entry, but now answering with another host key.
    await nodes.updateNode(node.id, { sshPort: SSH.otherHostPort });
    const refused = await nodes.testNode(node.id);
    const hostKey = refused.checks.find((c) => c.key === "ssh_host_key")!;
    expect(hostKey.ok).toBe(false);
    expect(hostKey.message).toContain(pinned);
    expect(refused.checks.find((c) => c.key === "ssh")!.ok).toBeNull();
    expect(refused.presentedHostKey).not.toBe(pinned);
    expect((await nodes.getNode(node.id)).sshHostKey).toBe(pinned);

    await nodes.trustHostKey(node.id, refused.presentedHostKey!);
    const trusted = await nodes.testNode(node.id);
    expect(trusted.checks.find((c) => c.key === "ssh")!.ok).toBe(true);
  });

  it("reports a wrong password, a missing HAMi library and a node without nvidia-smi", async () => {
    const wrong = await nodes.testNode((await create({ ...sshFields, sshPassword: "nope" })).id);
    expect(wrong.checks.find((c) => c.key === "ssh")).toMatchObject({ ok: false });
    expect(wrong.checks.find((c) => c.key === "ssh")!.message).toContain("was refused");
    const noHami = await nodes.testNode((await create({ ...sshFields, sshPassword: SSH.password, hamiCorePath: "/opt/missing/libvgpu.so" })).id);
    expect(noHami.checks.find((c) => c.key === "hami_core")).toEqual({
      key: "hami_core",
      ok: false,
      message: "No HAMi-core library at /opt/missing/libvgpu.so",
      ref: { key: "serverMessages.nodeTest.hamiMissing", params: { path: "/opt/missing/libvgpu.so" } },
    });
  });

  it("HAMi-core on the node: only a regular ELF shared library passes; without SSH it says so", async () => {
    // Memory split uses the path only after it passed (hamiCoreCheckedPath), whatever was saved.
    const hami = async (hamiCorePath: string, over: Partial<TCreateNodeRequest> = { ...sshFields, sshPassword: SSH.password }) => {
      const { id } = await create({ ...over, hamiCorePath });
      const check = (await nodes.testNode(id)).checks.find((c) => c.key === "hami_core");
      const { hamiCoreCheckedPath } = await db().node.findUniqueOrThrow({ where: { id }, select: { hamiCoreCheckedPath: true } });
      expect(hamiCoreCheckedPath, hamiCorePath).toBe(check?.ok === true ? hamiCorePath : null);
      return check;
    };
    expect(await hami(SSH.hamiCorePath)).toEqual({
      key: "hami_core",
      ok: true,
      message: `HAMi-core library found at ${SSH.hamiCorePath} (a regular ELF shared library)`,
      ref: { key: "serverMessages.nodeTest.hamiFound", params: { path: SSH.hamiCorePath } },
    });
    expect(await hami(NOT_HAMI.directory)).toMatchObject({ ok: false, message: expect.stringContaining(`${NOT_HAMI.directory} is a directory`) });
    expect(await hami(NOT_HAMI.linkToDirectory)).toMatchObject({ ok: false, message: expect.stringContaining("is a directory") });
    expect(await hami(NOT_HAMI.textFile)).toMatchObject({ ok: false, message: expect.stringContaining("not a shared library (no ELF header)") });
    expect(await hami("/dev/null.so")).toMatchObject({ ok: false, message: "No HAMi-core library at /dev/null.so" });
    expect(await hami(SSH.hamiCorePath, {})).toMatchObject({ ok: null, message: expect.stringContaining("can only be checked on the node over SSH") });
  });
});

describe("addresses that are not Docker engines", () => {
  /** An HTTP server that answers /_ping like Docker (or not) and everything else with a secret. */
  async function impostor(secret: string, pingOk: boolean): Promise<{ address: string; close: () => void }> {
    const server = createServer((req, res) => {
      if (pingOk && req.url?.endsWith("/_ping")) return void res.end("OK");
      res.writeHead(req.url?.endsWith("/version") ? 200 : 401, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: secret, Version: secret }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { address: `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
  }

  it("never become online, and what the service said is not repeated", async () => {
    const secret = `SECRET-${Date.now()}-do-not-show`;
    const servers = [await impostor(secret, true), await impostor(secret, false)];
    try {
      for (const address of [...servers.map((x) => x.address), "tcp://127.0.0.1:5432", `tcp://127.0.0.1:${SSH.port}`]) {
        const node = await create();
        expect((await nodes.testNode(node.id)).online).toBe(true);
        // Moving an online node to another address checks the new one at once.
        const saved = await nodes.updateNode(node.id, { dockerAddress: address });
        expect(saved.status, address).toBe("offline");
        const tested = await nodes.testNode(node.id);
        expect(tested.online, address).toBe(false);
        expect(tested.checks[0]!.message, address).toMatch(/does not answer as a Docker engine|closed the connection without answering as a Docker engine/);
        const row = (await nodes.allNodeRows()).find((r) => r.id === node.id)!;
        await nodes.checkHealth(row, 3_000);
        const after = await nodes.getNode(node.id);
        expect(after.status).toBe("offline");
        const seen = JSON.stringify([saved, tested, after, await nodes.nodeEvents(node.id, { page: 1, pageSize: 10 })]);
        expect(seen).not.toContain(secret);
        expect(seen).not.toContain("Parse Error");
      }
    } finally {
      for (const s of servers) s.close();
    }
  });
});

describe("health", () => {
  it("records a status change once, and keeps lastSeenAt", async () => {
    const node = await create({ dockerAddress: "tcp://127.0.0.1:1" });
    const row = async () => (await nodes.allNodeRows()).find((r) => r.id === node.id)!;
    await nodes.checkHealth(await row(), 2_000);
    await nodes.checkHealth(await row(), 2_000);
    expect((await nodes.getNode(node.id)).status).toBe("offline");
    await nodes.updateNode(node.id, { dockerAddress: LOCAL_DOCKER });
    await nodes.checkHealth(await row(), 2_000);
    const events = (await nodes.nodeEvents(node.id, { page: 1, pageSize: 10 })).items.map((e) => e.status);
    expect(events).toEqual(["online", "offline"]);
    expect((await nodes.getNode(node.id)).lastSeenAt).toBeInstanceOf(Date);
  });
});

describe("delete", () => {
  it("is refused while instances hold resources on the node", async () => {
    const node = await create();
    const instanceId = await instanceRow(node.id, "busy-instance");
    await db().allocation.create({ data: { nodeId: node.id, instanceId, cpuCores: 2, memoryGb: 4 } });
    const err = await rejection(nodes.deleteNode(node.id));
    expect(err.status).toBe(409);
    expect(err.message).toContain(node.name);
    expect(err.message).toContain('"busy-instance"');
    await db().allocation.deleteMany({ where: { nodeId: node.id } });
    await db().instance.update({ where: { id: instanceId }, data: { status: "deleted" } });
    await nodes.deleteNode(node.id);
    expect((await rejection(nodes.getNode(node.id))).status).toBe(404);
  });
});
