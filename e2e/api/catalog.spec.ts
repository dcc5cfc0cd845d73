// Images and specs over HTTP: admins manage, users see listed ones; validation; per-node
// image presence and a streamed pull from the local registry to the TLS engine.
import { bearer, expect, test, uniq } from "../fixtures";
import { freshRegistryImage, LOCAL_DOCKER, tls, tlsEngineHas, TLS_DOCKER } from "../node-fixtures";

test("images: admin CRUD, users see listed ones only, users cannot change them", async ({ api, adminToken, newUser }) => {
  const user = await newUser();
  const name = `CUDA ${uniq()}`;
  const created = await api.post("/api/v1/images", {
    headers: bearer(adminToken),
    data: { name, address: "nvidia/cuda:12.4.1-runtime-ubuntu22.04", description: "CUDA runtime", source: "Docker Hub", supportMemorySplit: true },
  });
  expect(created.status()).toBe(201);
  const image = await created.json();
  expect(image).toMatchObject({ name, isListed: true, supportMemorySplit: true, remark: null });

  const hidden = await (
    await api.post("/api/v1/images", { headers: bearer(adminToken), data: { name: `${name} hidden`, address: "busybox", isListed: false } })
  ).json();
  const seen = await (await api.get(`/api/v1/images?name=${encodeURIComponent(name)}`, { headers: bearer(user.token) })).json();
  expect(seen.items.map((i: { id: string }) => i.id)).toEqual([image.id]);
  const all = await (await api.get(`/api/v1/images?name=${encodeURIComponent(name)}`, { headers: bearer(adminToken) })).json();
  expect(all.total).toBe(2);
  const unlisted = await (await api.get(`/api/v1/images?name=${encodeURIComponent(name)}&isListed=false`, { headers: bearer(adminToken) })).json();
  expect(unlisted.items.map((i: { id: string }) => i.id)).toEqual([hidden.id]);
  expect((await api.get(`/api/v1/images/${hidden.id}`, { headers: bearer(user.token) })).status()).toBe(404);
  expect((await api.get(`/api/v1/images/${hidden.id}`, { headers: bearer(adminToken) })).status()).toBe(200);

  for (const res of [
    await api.post("/api/v1/images", { headers: bearer(user.token), data: { name: "x", address: "busybox" } }),
    await api.patch(`/api/v1/images/${image.id}`, { headers: bearer(user.token), data: { name: "x" } }),
    await api.delete(`/api/v1/images/${image.id}`, { headers: bearer(user.token) }),
    await api.get(`/api/v1/images/${image.id}/nodes`, { headers: bearer(user.token) }),
  ])
    expect(res.status()).toBe(403);

  const patched = await api.patch(`/api/v1/images/${image.id}`, { headers: bearer(adminToken), data: { remark: "tested", isListed: false } });
  expect(await patched.json()).toMatchObject({ remark: "tested", isListed: false });
  expect((await api.delete(`/api/v1/images/${image.id}`, { headers: bearer(adminToken) })).status()).toBe(204);
  expect((await api.get(`/api/v1/images/${image.id}`, { headers: bearer(adminToken) })).status()).toBe(404);
});

test("images: an invalid reference is 400 naming address", async ({ api, adminToken }) => {
  for (const address of ["UPPER/case", "has space:tag", "repo:", "a//b", ""]) {
    const res = await api.post("/api/v1/images", { headers: bearer(adminToken), data: { name: "bad", address } });
    expect(res.status(), address).toBe(400);
    expect((await res.json()).error.issues.map((i: { path: string }) => i.path)).toEqual(["address"]);
  }
  for (const address of ["busybox", "library/busybox:1.36", "127.0.0.1:5000/aic/busybox:1.35", `ghcr.io/org/img@sha256:${"a".repeat(64)}`]) {
    expect((await api.post("/api/v1/images", { headers: bearer(adminToken), data: { name: `ok ${uniq()}`, address } })).status(), address).toBe(201);
  }
});

test("images: presence per node, and a streamed pull with progress; a failed pull gives Docker's reason", async ({ api, adminToken }) => {
  test.setTimeout(120_000);
  const ref = freshRegistryImage();
  const node = await (
    await api.post("/api/v1/nodes", { headers: bearer(adminToken), data: { name: `tls-${uniq()}`, dockerAddress: TLS_DOCKER, useTls: true, ...tls() } })
  ).json();
  const image = await (await api.post("/api/v1/images", { headers: bearer(adminToken), data: { name: `pull me ${uniq()}`, address: ref } })).json();

  const before = await (await api.get(`/api/v1/images/${image.id}/nodes`, { headers: bearer(adminToken) })).json();
  expect(before.items.find((p: { nodeId: string }) => p.nodeId === node.id)).toMatchObject({ present: false, error: null });

  const pull = await api.post(`/api/v1/images/${image.id}/pull`, { headers: bearer(adminToken), data: { nodeId: node.id } });
  expect(pull.status()).toBe(200);
  expect(pull.headers()["content-type"]).toContain("application/x-ndjson");
  const events = (await pull.text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(events.filter((e) => e.type === "progress").length).toBeGreaterThan(0);
  expect(events.at(-1)).toMatchObject({ type: "done" });
  expect(tlsEngineHas(ref)).toBe(true);
  const after = await (await api.get(`/api/v1/images/${image.id}/nodes`, { headers: bearer(adminToken) })).json();
  expect(after.items.find((p: { nodeId: string }) => p.nodeId === node.id)).toMatchObject({ present: true });

  const missing = await (
    await api.post("/api/v1/images", { headers: bearer(adminToken), data: { name: `missing ${uniq()}`, address: "127.0.0.1:5000/aic/does-not-exist:1" } })
  ).json();
  const failed = (await (await api.post(`/api/v1/images/${missing.id}/pull`, { headers: bearer(adminToken), data: { nodeId: node.id } })).text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(failed.at(-1).type).toBe("error");
  expect(failed.at(-1).message).toMatch(/not found|manifest unknown/i);

  expect((await api.post(`/api/v1/images/${image.id}/pull`, { headers: bearer(adminToken), data: { nodeId: "nope" } })).status()).toBe(404);
  expect((await api.post(`/api/v1/images/${image.id}/pull`, { headers: bearer(adminToken), data: {} })).status()).toBe(400);
});

test("specs: admin CRUD with validation; users see listed ones with availability", async ({ api, adminToken, newUser }) => {
  const user = await newUser();
  const name = `4090x2-${uniq()}`;
  const res = await api.post("/api/v1/specs", {
    headers: bearer(adminToken),
    data: {
      name,
      gpuModel: "NVIDIA RTX 4090",
      gpuCount: 2,
      gpuMemoryGb: 24,
      cpuCores: 16,
      memoryGb: 64,
      systemDiskGb: 100,
      dataDiskGb: 500,
      pricePerHourCents: 1000,
    },
  });
  expect(res.status()).toBe(201);
  const spec = await res.json();
  expect(spec).toMatchObject({ name, isListed: true, supportMemorySplit: false, availableNodes: expect.any(Number) });

  const bad = await api.post("/api/v1/specs", {
    headers: bearer(adminToken),
    data: { name: "", gpuCount: 1, cpuCores: 0, memoryGb: 1.5, pricePerHourCents: -1 },
  });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["cpuCores", "memoryGb", "name", "pricePerHourCents"]);
  const noModel = await api.post("/api/v1/specs", {
    headers: bearer(adminToken),
    data: { name: "gpu", gpuCount: 1, gpuMemoryGb: 8, cpuCores: 1, memoryGb: 1, pricePerHourCents: 1 },
  });
  expect((await noModel.json()).error.issues.map((i: { path: string }) => i.path)).toEqual(["gpuModel"]);

  const cpuOnly = await (
    await api.post("/api/v1/specs", {
      headers: bearer(adminToken),
      data: { name: `cpu-${uniq()}`, cpuCores: 1, memoryGb: 1, pricePerHourCents: 10, isListed: false },
    })
  ).json();
  expect(cpuOnly.gpuCount).toBe(0);
  expect((await api.get(`/api/v1/specs/${cpuOnly.id}`, { headers: bearer(user.token) })).status()).toBe(404);
  expect((await api.get(`/api/v1/specs/${spec.id}`, { headers: bearer(user.token) })).status()).toBe(200);
  expect((await api.get(`/api/v1/specs/${spec.id}/nodes`, { headers: bearer(user.token) })).status()).toBe(200);
  for (const r of [
    await api.post("/api/v1/specs", { headers: bearer(user.token), data: { name: "x", cpuCores: 1, memoryGb: 1, pricePerHourCents: 1 } }),
    await api.patch(`/api/v1/specs/${spec.id}`, { headers: bearer(user.token), data: { pricePerHourCents: 1 } }),
    await api.delete(`/api/v1/specs/${spec.id}`, { headers: bearer(user.token) }),
  ])
    expect(r.status()).toBe(403);

  const patched = await api.patch(`/api/v1/specs/${spec.id}`, { headers: bearer(adminToken), data: { pricePerHourCents: 1234 } });
  expect((await patched.json()).pricePerHourCents).toBe(1234);
  expect((await api.patch(`/api/v1/specs/${spec.id}`, { headers: bearer(adminToken), data: { gpuModel: null } })).status()).toBe(400);
  expect((await api.delete(`/api/v1/specs/${spec.id}`, { headers: bearer(adminToken) })).status()).toBe(204);
});

test("a CPU-only spec is available on an online local node", async ({ api, adminToken }) => {
  const node = await (
    await api.post("/api/v1/nodes", { headers: bearer(adminToken), data: { name: `local-${uniq()}`, dockerAddress: LOCAL_DOCKER, cpuCores: 4, memoryGb: 8 } })
  ).json();
  await api.post(`/api/v1/nodes/${node.id}/test`, { headers: bearer(adminToken) });
  const spec = await (
    await api.post("/api/v1/specs", { headers: bearer(adminToken), data: { name: `cpu-${uniq()}`, cpuCores: 2, memoryGb: 4, pricePerHourCents: 50 } })
  ).json();
  expect(spec.availableNodes).toBeGreaterThanOrEqual(1);
  const nodes = await (await api.get(`/api/v1/specs/${spec.id}/nodes`, { headers: bearer(adminToken) })).json();
  expect(nodes.items.find((n: { nodeId: string }) => n.nodeId === node.id)).toMatchObject({ free: { cpuCores: 4, memoryGb: 8 } });
  await api.patch(`/api/v1/nodes/${node.id}`, { headers: bearer(adminToken), data: { isListed: false } });
});
