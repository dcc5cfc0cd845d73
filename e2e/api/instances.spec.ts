// Instances over HTTP against the real local engine: launch (202) to running, control,
// logs and download, stats, isolation between users (404 everywhere), validation (400
// naming the field), capacity (409 NO_CAPACITY) and in-use deletes (409).
import { execFileSync } from "node:child_process";
import { bearer, expect, test } from "../fixtures";
import { launchSetup, waitForStatus } from "../node-fixtures";

const containerOf = (id: string) => `aic-${id}`;
const inspect = (id: string, format: string) => {
  try {
    return execFileSync("docker", ["inspect", "-f", format, containerOf(id)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
};

test("a user launches, watches, controls and deletes an instance", async ({ api, adminToken, newUser }) => {
  test.setTimeout(90_000);
  const { node, image, spec } = await launchSetup(api, adminToken);
  const user = await newUser();
  const h = { headers: bearer(user.token) };

  const res = await api.post("/api/v1/instances", { ...h, data: { name: "notebook", imageId: image.id, specId: spec.id, nodeId: node.id, remark: "e2e" } });
  expect(res.status(), await res.text()).toBe(202);
  const created = await res.json();
  expect(created).toMatchObject({
    status: "creating",
    name: "notebook",
    remark: "e2e",
    nodeName: node.name,
    specName: spec.name,
    imageName: image.name,
    username: user.username,
    pricePerHourCents: 120,
  });
  await waitForStatus(api, user.token, created.id, "running");
  expect(inspect(created.id, "{{.State.Running}} {{.HostConfig.NanoCpus}} {{.HostConfig.Memory}}")).toBe(`true ${1e9} ${2 ** 30}`);

  const mine = await (await api.get("/api/v1/instances?status=running", h)).json();
  expect(mine.items.map((i: { id: string }) => i.id)).toEqual([created.id]);

  const logs = await (await api.get(`/api/v1/instances/${created.id}/logs?tail=50&timestamps=true`, h)).json();
  expect(logs.lines.some((l: { text: string }) => /^\d{4}-\d\d-\d\dT\S+ aic-app started on notebook$/.test(l.text))).toBe(true);
  const download = await api.get(`/api/v1/instances/${created.id}/logs/download`, h);
  expect(download.status()).toBe(200);
  expect(download.headers()["content-disposition"]).toBe('attachment; filename="notebook.log"');
  expect(await download.text()).toContain("aic-app started on notebook");

  const stats = await (await api.get(`/api/v1/instances/${created.id}/stats`, h)).json();
  expect(stats).toMatchObject({ memoryLimit: 2 ** 30, pids: expect.any(Number), cpuPercent: expect.any(Number) });
  expect(stats.pids).toBeGreaterThan(0);

  const renamed = await (await api.patch(`/api/v1/instances/${created.id}`, { ...h, data: { name: "notebook-2", remark: null } })).json();
  expect(renamed).toMatchObject({ name: "notebook-2", remark: null });

  const stopped = await api.post(`/api/v1/instances/${created.id}/stop`, h);
  expect(await stopped.json()).toMatchObject({ status: "stopped", gpus: [] });
  expect(inspect(created.id, "{{.State.Running}}")).toBe("false");
  expect((await (await api.get(`/api/v1/instances/${created.id}/stats`, h)).json()).error.code).toBe("INVALID_STATE");
  expect(await (await api.post(`/api/v1/instances/${created.id}/start`, { ...h, data: {} })).json()).toMatchObject({ status: "running" });
  expect(await (await api.post(`/api/v1/instances/${created.id}/restart`, h)).json()).toMatchObject({ status: "running" });

  expect((await api.delete(`/api/v1/instances/${created.id}`, h)).status()).toBe(204);
  expect(inspect(created.id, "{{.Id}}")).toBeNull();
  expect((await api.delete(`/api/v1/instances/${created.id}`, h)).status()).toBe(204);
  expect((await api.get(`/api/v1/instances/${created.id}`, h)).status()).toBe(404);
});

test("another user's instance is 404 on every route; admins see all and filter by owner", async ({ api, adminToken, newUser }) => {
  test.setTimeout(60_000);
  const { node, image, spec } = await launchSetup(api, adminToken);
  const [owner, other] = [await newUser(), await newUser()];
  const created = await (
    await api.post("/api/v1/instances", { headers: bearer(owner.token), data: { name: "private", imageId: image.id, specId: spec.id, nodeId: node.id } })
  ).json();
  await waitForStatus(api, owner.token, created.id, "running");
  const h = { headers: bearer(other.token) };
  const base = `/api/v1/instances/${created.id}`;
  for (const res of [
    await api.get(base, h),
    await api.patch(base, { ...h, data: { name: "x" } }),
    await api.post(`${base}/start`, { ...h, data: {} }),
    await api.post(`${base}/stop`, h),
    await api.post(`${base}/restart`, h),
    await api.get(`${base}/logs`, h),
    await api.get(`${base}/logs/download`, h),
    await api.get(`${base}/stats`, h),
    await api.delete(base, h),
  ]) {
    expect(res.status(), res.url()).toBe(404);
    expect((await res.json()).error.code).toBe("NOT_FOUND");
  }
  expect(inspect(created.id, "{{.State.Running}}")).toBe("true");
  const theirs = await (await api.get("/api/v1/instances", h)).json();
  expect(theirs.total).toBe(0);
  // A user's userId filter cannot widen the view.
  expect((await (await api.get(`/api/v1/instances?userId=${owner.id}`, h)).json()).total).toBe(0);
  const byOwner = await (await api.get(`/api/v1/instances?userId=${owner.id}`, { headers: bearer(adminToken) })).json();
  expect(byOwner.items.map((i: { id: string; username: string }) => [i.id, i.username])).toEqual([[created.id, owner.username]]);
  const byNode = await (await api.get(`/api/v1/instances?nodeId=${node.id}&status=running`, { headers: bearer(adminToken) })).json();
  expect(byNode.total).toBe(1);
  expect((await api.delete(base, { headers: bearer(adminToken) })).status()).toBe(204);
});

test("bad input is 400 naming the field; missing image/spec 404; no capacity 409; images, specs and nodes in use 409", async ({ api, adminToken, newUser }) => {
  test.setTimeout(60_000);
  const { node, image, spec } = await launchSetup(api, adminToken, { cpuCores: 1 });
  const user = await newUser();
  const h = { headers: bearer(user.token) };
  const cases: [unknown, string][] = [
    [{ imageId: image.id, specId: spec.id }, "name"],
    [{ name: "", imageId: image.id, specId: spec.id }, "name"],
    [{ name: "x".repeat(65), imageId: image.id, specId: spec.id }, "name"],
    [{ name: "ok", specId: spec.id }, "imageId"],
    [{ name: "ok", imageId: image.id, specId: spec.id, privileged: true }, ""],
  ];
  for (const [data, field] of cases) {
    const res = await api.post("/api/v1/instances", { ...h, data });
    expect(res.status(), JSON.stringify(data)).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe("VALIDATION_FAILED");
    if (field) expect(body.error.issues.map((i: { path: string }) => i.path)).toContain(field);
    else expect(body.error.message).toMatch(/privileged/);
  }
  expect((await api.get("/api/v1/instances?status=sleeping", h)).status()).toBe(400);
  expect((await api.get("/api/v1/instances/x/logs?tail=0", h)).status()).toBe(400);
  expect((await api.post("/api/v1/instances", { ...h, data: { name: "ok", imageId: "nope", specId: spec.id } })).status()).toBe(404);
  expect((await (await api.get("/api/v1/instances", h)).json()).total).toBe(0);

  const first = await (await api.post("/api/v1/instances", { ...h, data: { name: "one", imageId: image.id, specId: spec.id, nodeId: node.id } })).json();
  const full = await api.post("/api/v1/instances", { ...h, data: { name: "two", imageId: image.id, specId: spec.id, nodeId: node.id } });
  expect(full.status()).toBe(409);
  expect((await full.json()).error).toMatchObject({ code: "NO_CAPACITY", message: expect.stringContaining(`${node.name} needs 1 more CPU cores`) });

  for (const url of [`/api/v1/images/${image.id}`, `/api/v1/specs/${spec.id}`, `/api/v1/nodes/${node.id}`]) {
    const res = await api.delete(url, { headers: bearer(adminToken) });
    expect(res.status(), url).toBe(409);
    expect((await res.json()).error.message).toContain('"one"');
  }
  await waitForStatus(api, user.token, first.id, "running");
  expect((await api.delete(`/api/v1/instances/${first.id}`, h)).status()).toBe(204);
  expect((await api.delete(`/api/v1/specs/${spec.id}`, { headers: bearer(adminToken) })).status()).toBe(204);
});

test("signed-out callers get 401", async ({ api }) => {
  expect((await api.get("/api/v1/instances")).status()).toBe(401);
  expect((await api.post("/api/v1/instances", { data: {} })).status()).toBe(401);
});
