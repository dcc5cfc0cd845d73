// Nodes over HTTP (admin only): CRUD with write-only secrets, the connection test against
// the real engines and sshd, host-key re-trust, status history, the local-node offer.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { bearer, expect, test, uniq } from "../fixtures";
import { LOCAL_DOCKER, SSH, tls, TLS_DOCKER, wrongTls } from "../node-fixtures";

test("users get 403 on every node route", async ({ api, newUser }) => {
  const u = await newUser();
  for (const [method, path] of [
    ["GET", "/api/v1/nodes"],
    ["POST", "/api/v1/nodes"],
    ["GET", "/api/v1/nodes/x"],
    ["PATCH", "/api/v1/nodes/x"],
    ["DELETE", "/api/v1/nodes/x"],
    ["POST", "/api/v1/nodes/x/test"],
    ["GET", "/api/v1/nodes/x/events"],
    ["GET", "/api/v1/nodes/local"],
    ["POST", "/api/v1/nodes/x/ssh-host-key"],
  ] as const) {
    const res = await api.fetch(path, { method, headers: bearer(u.token), data: method === "GET" ? undefined : {} });
    expect(res.status(), `${method} ${path}`).toBe(403);
  }
});

test("create a TLS node with secrets: responses only say they are set", async ({ api, adminToken }) => {
  const { clientKey, ...certs } = tls();
  const res = await api.post("/api/v1/nodes", {
    headers: bearer(adminToken),
    data: {
      name: `tls-${uniq()}`,
      region: "East",
      dockerAddress: TLS_DOCKER,
      useTls: true,
      ...certs,
      clientKey,
      privateIp: SSH.host,
      sshPort: SSH.port,
      sshUsername: SSH.username,
      sshPassword: SSH.password,
      gpuName: "NVIDIA GeForce RTX 4090",
      gpuCount: 2,
      gpuMemoryGb: 24,
    },
  });
  expect(res.status()).toBe(201);
  const node = await res.json();
  expect(node).toMatchObject({ hasClientKey: true, hasSshPassword: true, hasSshPrivateKey: false, status: "unknown", free: { wholeGpus: 2 } });
  const text =
    JSON.stringify(await (await api.get(`/api/v1/nodes/${node.id}`, { headers: bearer(adminToken) })).json()) +
    JSON.stringify(await (await api.get("/api/v1/nodes?pageSize=100", { headers: bearer(adminToken) })).json());
  expect(text).not.toContain(SSH.password);
  expect(text).not.toContain("PRIVATE KEY");
  expect(text).not.toMatch(/sshPassword"|clientKey"|Enc"/);

  const tested = await (await api.post(`/api/v1/nodes/${node.id}/test`, { headers: bearer(adminToken) })).json();
  expect(tested.online).toBe(true);
  expect(tested.checks.map((c: { key: string; ok: boolean | null }) => [c.key, c.ok])).toEqual([
    ["docker", true],
    ["ssh", true],
    ["ssh_host_key", true],
    ["nvidia_smi", true],
    ["gpu_runtime", true],
    ["hami_core", null],
  ]);
  expect(tested.detected.gpus).toHaveLength(2);
  const after = await (await api.get(`/api/v1/nodes/${node.id}`, { headers: bearer(adminToken) })).json();
  expect(after).toMatchObject({ status: "online", sshHostKey: tested.presentedHostKey });
  const events = await (await api.get(`/api/v1/nodes/${node.id}/events`, { headers: bearer(adminToken) })).json();
  expect(events.items.map((e: { status: string }) => e.status)).toEqual(["online"]);
});

test("validation: 400 naming the field", async ({ api, adminToken }) => {
  const cases: [Record<string, unknown>, string[]][] = [
    [{ name: "a", dockerAddress: "tcp://10.0.0.9:2375" }, ["dockerAddress"]],
    [{ name: "a", dockerAddress: "http://x" }, ["dockerAddress"]],
    [{ name: "a", dockerAddress: TLS_DOCKER, useTls: true }, ["caCert", "clientCert", "clientKey"]],
    [{ name: "", dockerAddress: LOCAL_DOCKER, sshPort: 0, publicIp: "999.1.1.1" }, ["name", "publicIp", "sshPort"]],
    [{ name: "a", dockerAddress: LOCAL_DOCKER, gpuCount: 2 }, ["gpuName"]],
    [{ name: "a", dockerAddress: LOCAL_DOCKER, sshPassword: "x" }, ["sshUsername"]],
    [{ name: "a", dockerAddress: LOCAL_DOCKER, hamiCorePath: "relative/path" }, ["hamiCorePath"]],
    // A directory would be bound into users' containers with everything in it.
    [{ name: "a", dockerAddress: LOCAL_DOCKER, hamiCorePath: "/var/lib/postgresql" }, ["hamiCorePath"]],
  ];
  for (const [data, paths] of cases) {
    const res = await api.post("/api/v1/nodes", { headers: bearer(adminToken), data });
    expect(res.status(), JSON.stringify(data)).toBe(400);
    expect((await res.json()).error.issues.map((i: { path: string }) => i.path).sort()).toEqual(paths);
  }
  const name = `dup-${uniq()}`;
  expect((await api.post("/api/v1/nodes", { headers: bearer(adminToken), data: { name, dockerAddress: LOCAL_DOCKER } })).status()).toBe(201);
  expect((await api.post("/api/v1/nodes", { headers: bearer(adminToken), data: { name, dockerAddress: LOCAL_DOCKER } })).status()).toBe(409);
});

test("a wrong CA leaves the node offline with a clear message", async ({ api, adminToken }) => {
  const node = await (
    await api.post("/api/v1/nodes", {
      headers: bearer(adminToken),
      data: { name: `bad-${uniq()}`, dockerAddress: TLS_DOCKER, useTls: true, ...tls(), caCert: wrongTls().caCert },
    })
  ).json();
  const result = await (await api.post(`/api/v1/nodes/${node.id}/test`, { headers: bearer(adminToken) })).json();
  expect(result.online).toBe(false);
  expect(result.checks[0].message).toContain("not signed by the configured CA");
  expect((await (await api.get(`/api/v1/nodes/${node.id}`, { headers: bearer(adminToken) })).json()).status).toBe("offline");
});

test("a changed host key is refused until re-trusted", async ({ api, adminToken }) => {
  const node = await (
    await api.post("/api/v1/nodes", {
      headers: bearer(adminToken),
      data: {
        name: `hk-${uniq()}`,
        dockerAddress: LOCAL_DOCKER,
        privateIp: SSH.host,
        sshPort: SSH.port,
        sshUsername: SSH.username,
        sshPrivateKey: SSH.privateKey(),
      },
    })
  ).json();
  await api.post(`/api/v1/nodes/${node.id}/test`, { headers: bearer(adminToken) });
  await api.patch(`/api/v1/nodes/${node.id}`, { headers: bearer(adminToken), data: { sshPort: SSH.otherHostPort } });
  const refused = await (await api.post(`/api/v1/nodes/${node.id}/test`, { headers: bearer(adminToken) })).json();
  expect(refused.checks.find((c: { key: string }) => c.key === "ssh_host_key")).toMatchObject({ ok: false });
  expect((await api.post(`/api/v1/nodes/${node.id}/ssh-host-key`, { headers: bearer(adminToken), data: { fingerprint: "nope" } })).status()).toBe(400);
  const trusted = await api.post(`/api/v1/nodes/${node.id}/ssh-host-key`, { headers: bearer(adminToken), data: { fingerprint: refused.presentedHostKey } });
  expect((await trusted.json()).sshHostKey).toBe(refused.presentedHostKey);
  const ok = await (await api.post(`/api/v1/nodes/${node.id}/test`, { headers: bearer(adminToken) })).json();
  expect(ok.checks.find((c: { key: string }) => c.key === "ssh").ok).toBe(true);
});

test("update, filters, delete; the local Docker socket is offered", async ({ api, adminToken }) => {
  const name = `n-${uniq()}`;
  const node = await (await api.post("/api/v1/nodes", { headers: bearer(adminToken), data: { name, dockerAddress: LOCAL_DOCKER } })).json();
  const patched = await (
    await api.patch(`/api/v1/nodes/${node.id}`, { headers: bearer(adminToken), data: { region: "West", cpuCores: 8, isListed: false } })
  ).json();
  expect(patched).toMatchObject({ region: "West", cpuCores: 8, isListed: false });
  const filtered = await (await api.get(`/api/v1/nodes?name=${name}&isListed=false`, { headers: bearer(adminToken) })).json();
  expect(filtered.items.map((n: { id: string }) => n.id)).toEqual([node.id]);
  expect((await api.get(`/api/v1/nodes?status=bogus`, { headers: bearer(adminToken) })).status()).toBe(400);
  const offer = await (await api.get("/api/v1/nodes/local", { headers: bearer(adminToken) })).json();
  expect(offer).toMatchObject({ available: true, dockerAddress: LOCAL_DOCKER, alreadyAdded: true });
  expect(offer.detected.cpuCores).toBeGreaterThan(0);
  expect((await api.delete(`/api/v1/nodes/${node.id}`, { headers: bearer(adminToken) })).status()).toBe(204);
  expect((await api.get(`/api/v1/nodes/${node.id}`, { headers: bearer(adminToken) })).status()).toBe(404);
});

test("addresses with control characters get 400 naming dockerAddress", async ({ api, adminToken }) => {
  const node = await (await api.post("/api/v1/nodes", { headers: bearer(adminToken), data: { name: `cc-${uniq()}`, dockerAddress: LOCAL_DOCKER } })).json();
  for (const dockerAddress of [
    `${LOCAL_DOCKER}\n`,
    `${LOCAL_DOCKER}\t`,
    `${LOCAL_DOCKER}\u0000`,
    "tcp://127.0.0.1:2376\nHost: evil",
    "unix:///var/run/dock er.sock",
  ]) {
    for (const res of [
      await api.post("/api/v1/nodes", { headers: bearer(adminToken), data: { name: `cc-${uniq()}`, dockerAddress } }),
      await api.patch(`/api/v1/nodes/${node.id}`, { headers: bearer(adminToken), data: { dockerAddress } }),
    ]) {
      expect(res.status(), JSON.stringify(dockerAddress)).toBe(400);
      expect((await res.json()).error.issues.map((i: { path: string }) => i.path)).toEqual(["dockerAddress"]);
    }
  }
  expect((await (await api.get(`/api/v1/nodes/${node.id}`, { headers: bearer(adminToken) })).json()).dockerAddress).toBe(LOCAL_DOCKER);
});

test("an address that answers but is not a Docker engine never makes the node online, and its replies are not shown", async ({ api, adminToken }) => {
  const secret = `sk-live-${uniq(12)}`;
  // Answers /_ping as Docker does (or not), and everything else with something secret-looking.
  const impostor = async (pingOk: boolean) => {
    const server = createServer((req, res) => {
      if (pingOk && req.url?.endsWith("/_ping")) return void res.end("OK");
      res.writeHead(req.url?.endsWith("/version") ? 200 : 403, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: `api key ${secret}`, Version: secret }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return server;
  };
  const servers = [await impostor(true), await impostor(false)];
  try {
    const addresses = [
      ...servers.map((s) => `tcp://127.0.0.1:${(s.address() as AddressInfo).port}`),
      "tcp://127.0.0.1:5432", // PostgreSQL
      `tcp://127.0.0.1:${SSH.port}`, // sshd
    ];
    for (const dockerAddress of addresses) {
      const h = { headers: bearer(adminToken) };
      const created = await api.post("/api/v1/nodes", { ...h, data: { name: `imp-${uniq()}`, dockerAddress } });
      expect(created.status()).toBe(201);
      const node = await created.json();
      expect(node.status).not.toBe("online");
      const tested = await (await api.post(`/api/v1/nodes/${node.id}/test`, h)).json();
      expect(tested.online, dockerAddress).toBe(false);
      expect(tested.checks[0].message, dockerAddress).toMatch(/answer(?:ing)? as a Docker engine/);
      // An online node moved to such an address is checked when saved, and is offline at once.
      const moved = await (await api.post("/api/v1/nodes", { ...h, data: { name: `mv-${uniq()}`, dockerAddress: LOCAL_DOCKER } })).json();
      expect((await (await api.post(`/api/v1/nodes/${moved.id}/test`, h)).json()).online).toBe(true);
      const saved = await (await api.patch(`/api/v1/nodes/${moved.id}`, { ...h, data: { dockerAddress } })).json();
      expect(saved.status, dockerAddress).toBe("offline");
      const seen = [
        JSON.stringify(tested),
        JSON.stringify(saved),
        await (await api.get(`/api/v1/nodes/${node.id}`, h)).text(),
        await (await api.get(`/api/v1/nodes/${node.id}/events`, h)).text(),
        await (await api.get(`/api/v1/nodes/${moved.id}/events`, h)).text(),
      ].join("\n");
      expect(seen).not.toContain(secret);
      expect(seen).not.toContain("Parse Error");
      expect((await (await api.get(`/api/v1/nodes/${node.id}`, h)).json()).status).toBe("offline");
      for (const id of [node.id, moved.id]) await api.delete(`/api/v1/nodes/${id}`, h);
    }
  } finally {
    for (const s of servers) s.close();
  }
});
