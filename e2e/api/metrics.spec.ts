// GPU telemetry over HTTP and socket.io: the collector polls a node's fixture nvidia-smi over
// the real sshd, admins see its history and the cluster overview, and live `gpu` events.
import { bearer, expect, test, uniq } from "../fixtures";
import { LOCAL_DOCKER, SSH } from "../node-fixtures";
import { connect, outcome } from "../socket";

test("GPU history, overview and live GPU events for admins; users refused; bad input named", async ({ api, adminToken, baseURL, clientIp, newUser }) => {
  test.setTimeout(90_000);
  const h = { headers: bearer(adminToken) };
  const node = await (
    await api.post("/api/v1/nodes", {
      ...h,
      data: {
        name: `gpu-${uniq()}`,
        dockerAddress: LOCAL_DOCKER,
        privateIp: SSH.host,
        sshPort: SSH.port,
        sshUsername: SSH.username,
        sshPassword: SSH.password,
        gpuName: "NVIDIA GeForce RTX 4090",
        gpuCount: 2,
        gpuMemoryGb: 24,
      },
    })
  ).json();
  expect((await (await api.post(`/api/v1/nodes/${node.id}/test`, h)).json()).online).toBe(true);

  // Live: subscribe to the node's GPUs and wait for the collector's next poll.
  const socket = connect(baseURL!, "/stats", { token: adminToken, ip: clientIp });
  expect(await outcome(socket)).toEqual({ connected: true });
  const live = new Promise<{ nodeId: string; gpus: { index: number; utilization: number | null; powerW: number | null }[] }>((resolve) =>
    socket.on("gpu", (e) => e.nodeId === node.id && resolve(e)),
  );
  expect(await socket.timeout(5_000).emitWithAck("subscribeNode", { nodeId: node.id })).toEqual({ ok: true, gpuTelemetry: true });
  const event = await live;
  expect(event.gpus).toEqual([
    expect.objectContaining({ index: 0, utilization: 35, powerW: 120.5 }),
    expect.objectContaining({ index: 1, utilization: 0, powerW: null }),
  ]);
  socket.disconnect();

  const history = await (await api.get(`/api/v1/nodes/${node.id}/metrics?step=60`, h)).json();
  expect(history).toMatchObject({ nodeId: node.id, step: 60, problem: null });
  expect(history.gpus.map((g: { index: number }) => g.index)).toEqual([0, 1]);
  expect(history.gpus[0].points.at(-1)).toMatchObject({ utilization: 35, memoryUsedMb: 1024 });

  const overview = await (await api.get("/api/v1/gpu/overview", h)).json();
  expect(overview.heat.find((x: { nodeId: string }) => x.nodeId === node.id).gpus).toHaveLength(2);
  expect(overview.gpus.total).toBeGreaterThanOrEqual(2);

  const user = await newUser();
  expect((await api.get(`/api/v1/nodes/${node.id}/metrics`, { headers: bearer(user.token) })).status()).toBe(403);
  expect((await api.get("/api/v1/gpu/overview", { headers: bearer(user.token) })).status()).toBe(403);
  const userSocket = connect(baseURL!, "/stats", { token: user.token, ip: clientIp });
  expect(await userSocket.timeout(5_000).emitWithAck("subscribeNode", { nodeId: node.id })).toMatchObject({ error: { code: "FORBIDDEN" } });
  userSocket.disconnect();

  for (const [query, field] of [
    ["step=0", "step"],
    ["from=yesterday", "from"],
    [`from=${new Date().toISOString()}&to=${new Date(Date.now() - 1000).toISOString()}`, "to"],
  ]) {
    const res = await api.get(`/api/v1/nodes/${node.id}/metrics?${query}`, h);
    expect(res.status(), query).toBe(400);
    expect((await res.json()).error.issues.map((i: { path: string }) => i.path)).toContain(field);
  }
  expect((await api.get("/api/v1/nodes/nope/metrics", h)).status()).toBe(404);
});
